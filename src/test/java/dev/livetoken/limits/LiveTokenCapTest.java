package dev.livetoken.limits;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Burst;
import dev.livetoken.support.Contract;
import dev.livetoken.support.FlakyUpstream;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;
import dev.livetoken.upstream.UpstreamMetrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Live-token caps (issue 9 part 2): a token is live until its expireTime; a mint beyond a cap is
 * 429 naming the cap, with Retry-After when the earliest live token expires; exact under 200-way
 * concurrency; a failed mint frees its slot.
 */
@QuarkusTest
@Tag("store")
class LiveTokenCapTest {

    static final String CAP = "https://livetoken.dev/problems/live-token-cap";

    @Inject
    AuditLog audit;

    @Inject
    Vertx vertx;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    UpstreamMetrics metrics;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aUserBeyondTheCapWaitsForTheEarliestTokenToExpire() {
        String tenant = Admin.newTenant("ucap");
        Admin.createPolicy(tenant, "{\"maxLiveTokensPerUser\":2,\"userRatePerMinute\":0}");
        String alice = TestJwts.bearer("alice", tenant);
        Mints.post(alice, "{\"lifetimeSeconds\":600}").statusCode(201);
        Mints.post(alice, "{\"lifetimeSeconds\":1200}").statusCode(201);
        String retryAfter = Mints.post(alice, "{}")
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo(CAP))
                .body("scope", equalTo("user-live-tokens"))
                .body("detail", containsString("You hold 2 unexpired tokens"))
                .header("RateLimit-Limit", "2")
                .header("RateLimit-Remaining", "0")
                .extract()
                .header("Retry-After");
        assertThat(Long.parseLong(retryAfter))
                .as("when the 600 s token expires")
                .isBetween(570L, 600L);
        Mints.post(TestJwts.bearer("bob", tenant), "{}").statusCode(201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("policy.maxLiveTokensPerUser", equalTo(2))
                .body("limits.find { it.scope == 'user-live-tokens' }.used", equalTo(2))
                .body("limits.find { it.scope == 'user-live-tokens' }.remaining", equalTo(0))
                .body("limits.find { it.scope == 'user-live-tokens' }.window", equalTo("live"))
                // no tenant cap: not tracked, not listed
                .body("limits.find { it.scope == 'tenant-live-tokens' }", equalTo(null));
    }

    @Test
    void theTenantCapCoversAllItsUsers() {
        String tenant = Admin.newTenant("tcap");
        Admin.createPolicy(tenant, "{\"maxLiveTokensPerTenant\":2,\"userRatePerMinute\":0}");
        Mints.post(TestJwts.bearer("a", tenant), "{}").statusCode(201);
        Mints.post(TestJwts.bearer("b", tenant), "{}").statusCode(201);
        Mints.post(TestJwts.bearer("c", tenant), "{}")
                .statusCode(429)
                .body("type", equalTo(CAP))
                .body("scope", equalTo("tenant-live-tokens"))
                .body("detail", containsString("Your tenant holds 2"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .body("limits.find { it.scope == 'tenant-live-tokens' }.used", equalTo(2));
        String body = "{\"claims\":{\"subject\":\"c\",\"tenant\":\"" + tenant + "\"}}";
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(false))
                .body("problem.type", equalTo(CAP))
                .body("problem.scope", equalTo("tenant-live-tokens"))
                .body("decisions.find { it.part == 'tenant-live-tokens' }.value", equalTo("full: 2 of 2 live"));
    }

    @Test
    void aTokenStopsCountingWhenItExpires() throws InterruptedException {
        String tenant = Admin.newTenant("expire");
        Admin.createPolicy(tenant, "{\"maxLiveTokensPerUser\":1,\"userRatePerMinute\":0}");
        String alice = TestJwts.bearer("alice", tenant);
        Mints.post(alice, "{\"lifetimeSeconds\":2}").statusCode(201);
        Mints.post(alice, "{\"lifetimeSeconds\":2}")
                .statusCode(429)
                .body("scope", equalTo("user-live-tokens"))
                // 2 s, or 1 s when a loaded machine took over a second between the two mints.
                .header("Retry-After", anyOf(equalTo("1"), equalTo("2")));
        Thread.sleep(2_100);
        Mints.post(alice, "{\"lifetimeSeconds\":2}").statusCode(201);
    }

    @Test
    void aMintWhoseUpstreamCallFailsFreesItsSlot() {
        String tenant = Admin.newTenant("capback");
        Admin.createPolicy(tenant, "{\"maxLiveTokensPerUser\":1,\"maxLiveTokensPerTenant\":1,\"userRatePerMinute\":0}");
        FlakyUpstream flaky = new FlakyUpstream(vertx, upstreamConfig, metrics);
        QuarkusMock.installMockForType(flaky, UpstreamFacade.class);
        flaky.failures.set(1);
        String alice = TestJwts.bearer("alice", tenant);
        Mints.post(alice, "{}").statusCode(503);
        Mints.post(alice, "{}").statusCode(201);
        Mints.post(alice, "{}").statusCode(429).body("scope", equalTo("tenant-live-tokens"));
    }

    /**
     * 200 mints at once by one user with a live cap of 3: exactly 3 tokens. On a loaded machine a few
     * mints may end without a token for their caller (support/Burst says which answers, and why that
     * is not the cap going wrong); then the cap must still never be exceeded, nothing reserved may
     * leak, and minting the rest one at a time must reach exactly 3.
     */
    @Test
    void twoHundredConcurrentMintsAgainstACapOfThreeGiveExactlyThree() throws Exception {
        burstAgainstACapOfThree(0);
    }

    /**
     * The same with the first two upstream calls failing, as a starved emulator's may: the branch
     * that accounts for mints without a token, which otherwise runs only on a loaded machine, holds
     * the cap to exactly 3 too.
     */
    @Test
    void twoHundredConcurrentMintsSomeFailingUpstreamStillGiveExactlyThree() throws Exception {
        FlakyUpstream flaky = new FlakyUpstream(vertx, upstreamConfig, metrics);
        QuarkusMock.installMockForType(flaky, UpstreamFacade.class);
        flaky.failures.set(2);
        Burst.Outcome o = burstAgainstACapOfThree(2);
        assertThat(o.withoutToken()).hasSizeGreaterThanOrEqualTo(2);
    }

    Burst.Outcome burstAgainstACapOfThree(int failing) throws Exception {
        String tenant = Admin.newTenant("caprace");
        Admin.createPolicy(tenant, "{\"maxLiveTokensPerUser\":3,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String bearer = TestJwts.bearer("alice", tenant);
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/tokens"))
                .header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        Burst.Outcome o = Burst.fire(http, Collections.nCopies(200, req), "user-live-tokens");
        System.out.println("200 concurrent mints at a live cap of 3: " + o);
        assertThat(o.other())
                .as("answers other than 201, a cap refusal or a mint without a token under load")
                .isEmpty();
        assertThat(o.answers()).isEqualTo(200);
        if (o.withoutToken().isEmpty()) {
            assertThat(failing).isZero();
            assertThat(o.minted()).isEqualTo(3);
            assertThat(o.refused()).isEqualTo(197);
        }
        // At once when every caller got a 201 or a refusal: no mint runs on after its answer then.
        assertThat(settled(tenant, o.withoutToken().isEmpty() ? Duration.ZERO : Burst.QUIET))
                .as("every mint ended (live tokens held = tokens recorded)")
                .isTrue();
        long tokens = audit.count(tenant);
        o.assertTokens(tokens, 3);
        assertThat(liveHeld(tenant))
                .as("the live tokens held are the tokens that exist")
                .isEqualTo(tokens);
        // What is left under the cap can be minted, and no more: 3 in all.
        int more = Burst.topUp(
                () -> http.send(req, HttpResponse.BodyHandlers.ofString()),
                "user-live-tokens",
                (int) (3 - tokens),
                5,
                () -> settled(tenant, Burst.QUIET));
        assertThat(settled(tenant, Duration.ZERO)).isTrue();
        assertThat(audit.count(tenant))
                .as("tokens after minting the rest (" + more + ")")
                .isEqualTo(3);
        assertThat(liveHeld(tenant)).isEqualTo(3);
        return o;
    }

    /** Waits until every mint so far has ended (support/Burst#settle): usage and tokens equal and still for {@code quiet}. */
    boolean settled(String tenant, Duration quiet) throws InterruptedException {
        return Burst.settle(() -> liveHeld(tenant), () -> audit.count(tenant), quiet, Burst.MAX_SETTLE);
    }

    /** alice's live tokens as the store counts them. */
    static long liveHeld(String tenant) {
        return given().header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage?subject=alice")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("limits.find { it.scope == 'user-live-tokens' }.used");
    }
}
