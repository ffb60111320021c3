package dev.livetoken.translate;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.audit.TokenHasher;
import dev.livetoken.audit.TranslationAuditLog;
import dev.livetoken.auth.Caller;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.ops.MintMetrics;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * A JSON translation that fails before it delivered anything is answered only once its characters
 * are back: a caller who reads its usage, or retries, right after the 502 finds its budget whole.
 * The give-back is slowed down here, so an answer sent ahead of it would be caught every time,
 * not only when a loaded machine happens to interleave the two. And a fault of ours between the
 * reservation and the upstream call is answered with a problem, the characters given back, instead
 * of leaving the caller waiting.
 */
@QuarkusTest
@Tag("store")
class TranslationFaultsTest {

    static final Duration SLOW = Duration.ofMillis(600);

    @Inject
    PolicyService policies;

    @Inject
    TranslationPlanner planner;

    @Inject
    UsageLimiter limiter;

    @Inject
    TranslationAuditLog audit;

    @Inject
    TokenHasher hasher;

    @Inject
    UpstreamFacade upstreamBase;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    TranslateConfig config;

    @Inject
    MintMetrics metrics;

    @Inject
    Vertx vertx;

    @Inject
    TranslationService real;

    /** The real service, but every settlement takes {@link #SLOW} before it reaches the store. */
    private TranslationService slowSettlement() {
        TranslationService target = ClientProxy.unwrap(real);
        return new TranslationService(
                policies, planner, limiter, audit, hasher, upstreamBase, upstreamConfig, config, metrics, vertx) {
            @Override
            public void settle(UsageLimiter.CharacterReservation reservation, boolean delivered) {
                try {
                    Thread.sleep(SLOW.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.settle(reservation, delivered);
            }

            @Override
            public GeminiTextStream upstream() {
                return target.upstream(); // the application's one client, closed with it
            }
        };
    }

    /** The real service, except that opening the upstream stream fails with a bug of ours. */
    private TranslationService brokenUpstream() {
        return new TranslationService(
                policies, planner, limiter, audit, hasher, upstreamBase, upstreamConfig, config, metrics, vertx) {
            @Override
            public GeminiTextStream upstream() {
                throw new IllegalStateException("a bug between the reservation and the upstream call");
            }
        };
    }

    /** The real service, except that planning fails with a bug of ours before anything is reserved. */
    private TranslationService brokenPlanner() {
        return new TranslationService(
                policies, planner, limiter, audit, hasher, upstreamBase, upstreamConfig, config, metrics, vertx) {
            @Override
            public Uni<TranslationPlan> plan(Caller caller, TranslationRequest request) {
                throw new IllegalStateException("a bug before the plan");
            }
        };
    }

    @Test
    void aFailedJsonTranslationIsAnsweredOnlyOnceItsCharactersAreBack() {
        String tenant = Admin.newTenant("settle");
        Admin.createPolicy(tenant, "{}");
        String text = "one two three four five six seven [[emulator:fail-mid-stream]]";
        QuarkusMock.installMockForType(slowSettlement(), TranslationService.class);
        Response r = given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("erin", tenant))
                .contentType("application/json")
                .body(TranslationApiTest.body(text, "es"))
                .when()
                .post("/v1/translations");
        r.then().statusCode(502).contentType("application/problem+json");
        assertThat(Duration.ofMillis(r.time())).isGreaterThanOrEqualTo(SLOW);
        assertThat(TranslationApiTest.charactersUsed(tenant, "erin")).isZero();
    }

    @Test
    void anUnexpectedFaultAfterTheReservationIsAnsweredNotLeftHanging() {
        QuarkusMock.installMockForType(brokenUpstream(), TranslationService.class);
        answeredWithAnInternalError("fault", "a bug between");
    }

    @Test
    void anUnexpectedFaultBeforeThePlanIsAnsweredNotLeftHanging() {
        QuarkusMock.installMockForType(brokenPlanner(), TranslationService.class);
        answeredWithAnInternalError("planfault", "a bug before");
    }

    /** Both forms answer {@code 500 internal-error} within 10 s, say nothing of the fault, spend nothing. */
    private static void answeredWithAnInternalError(String tenantPrefix, String faultText) {
        String tenant = Admin.newTenant(tenantPrefix);
        Admin.createPolicy(tenant, "{}");
        for (String accept : new String[] {"application/json", "text/event-stream"}) {
            Response r = given().filter(Contract.VALIDATED)
                    .config(RestAssuredConfig.config()
                            .httpClient(HttpClientConfig.httpClientConfig().setParam("http.socket.timeout", 10_000)))
                    .header("Authorization", TestJwts.bearer("frank", tenant))
                    .accept(accept)
                    .contentType("application/json")
                    .body(TranslationApiTest.body("hello there", "es"))
                    .when()
                    .post("/v1/translations");
            r.then()
                    .statusCode(500)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://livetoken.dev/problems/internal-error"))
                    .body(not(containsString("IllegalStateException")))
                    .body(not(containsString(faultText)));
            assertThat(TranslationApiTest.charactersUsed(tenant, "frank"))
                    .as(accept)
                    .isZero();
        }
    }
}
