package dev.livetoken.limits;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.FlakyUpstream;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;
import dev.livetoken.upstream.UpstreamMetrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
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
                .header("Retry-After", equalTo("2"));
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

    @Test
    void twoHundredConcurrentMintsAgainstACapOfThreeGiveExactlyThree() throws Exception {
        String tenant = Admin.newTenant("caprace");
        Admin.createPolicy(tenant, "{\"maxLiveTokensPerUser\":3,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String bearer = TestJwts.bearer("alice", tenant);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/tokens"))
                    .header("Authorization", bearer)
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int capped = 0;
        List<String> failed = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (var c : calls) {
            HttpResponse<String> r = c.get();
            if (r.statusCode() == 201) {
                ok++;
            } else if (r.statusCode() == 429 && r.body().contains("user-live-tokens")) {
                capped++;
            } else if (r.statusCode() >= 502
                    && r.statusCode() <= 504
                    && r.body().contains("problems/")) {
                // On a saturated machine the in-process emulator may time out (504: no token, slot
                // given back) or the store run past the mint's budget (503: the caller got no token,
                // though its mint may still complete and be recorded as discarded).
                failed.add(r.statusCode() + " " + r.body());
            } else {
                other.add(r.statusCode() + " " + r.body());
            }
        }
        System.out.printf(
                "200 concurrent mints at a live cap of 3: %d minted, %d capped, %d failed %s%n",
                ok, capped, failed.size(), failed);
        assertThat(other)
                .as("answers other than 201, a cap refusal or a mapped upstream/store failure")
                .isEmpty();
        assertThat(ok).as("never more than the cap").isLessThanOrEqualTo(3);
        if (failed.isEmpty()) {
            assertThat(ok).isEqualTo(3);
            assertThat(capped).isEqualTo(197);
            assertThat(audit.count(tenant)).isEqualTo(3);
        } else {
            // A caller answered 503 because the store ran past its budget may still get its token
            // minted and recorded as discarded (it exists at Google and holds its slot): count the
            // tokens that exist, once those mints have finished, never more than the cap.
            assertThat(ok + failed.size())
                    .as("at least the cap's worth of mints was admitted")
                    .isGreaterThanOrEqualTo(3);
            boolean beyond = dev.livetoken.support.Stalls.eventually(
                    java.time.Duration.ofSeconds(5), () -> audit.count(tenant) > 3);
            assertThat(beyond).as("more tokens exist than the cap allows").isFalse();
            assertThat(audit.count(tenant)).isGreaterThanOrEqualTo(ok);
        }
    }
}
