package dev.livetoken.limits;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Burst;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.MinuteWindow;
import dev.livetoken.support.TestJwts;

import static dev.livetoken.support.Mints.mint;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** Rate and quota refusals, their headers, and no over-issue under concurrency. */
@QuarkusTest
@Tag("store")
class UsageLimitsTest {

    @Inject
    AuditLog audit;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void userRateIsEnforcedWith429AndRateLimitHeaders() {
        String tenant = Admin.newTenant("rate");
        Admin.createPolicy(tenant, "{\"userRatePerMinute\":2}");
        String alice = TestJwts.bearer("alice", tenant);
        MinuteWindow.atLeastTenSecondsLeft();
        mint(alice, 201);
        mint(alice, 201);
        Mints.post(alice)
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/rate-limited"))
                .header("Retry-After", notNullValue())
                .header("RateLimit-Limit", "2")
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", notNullValue());
        // another user of the same tenant has a budget of their own
        mint(TestJwts.bearer("bob", tenant), 201);
        // counted where the limiter refused
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics)
                .containsPattern("(?m)^livetoken_limit_refusals_total\\{scope=\"user-rate\",tenant=\""
                        + java.util.regex.Pattern.quote(tenant) + "\"\\} 1\\.0$");
    }

    @Test
    void tenantQuotaCoversAllUsers() {
        String tenant = Admin.newTenant("tquota");
        Admin.createPolicy(tenant, "{\"tenantQuotaPerDay\":3}");
        mint(TestJwts.bearer("a", tenant), 201);
        mint(TestJwts.bearer("b", tenant), 201);
        mint(TestJwts.bearer("c", tenant), 201);
        Mints.post(TestJwts.bearer("d", tenant))
                .statusCode(429)
                .body("type", equalTo("https://livetoken.dev/problems/quota-exceeded"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .body("limits.find { it.scope == 'tenant-quota' }.used", equalTo(3))
                .body("limits.find { it.scope == 'tenant-quota' }.remaining", equalTo(0))
                .body("users.size()", equalTo(3));
    }

    /**
     * 200 mints at once, 20 users, a tenant quota of 50: exactly 50 tokens. On a loaded machine a few
     * mints may end without a token for their caller (support/Burst says which answers, and why that
     * is not the quota going wrong); then the quota must still never be exceeded, nothing reserved may
     * leak, and minting the rest one at a time must reach exactly 50.
     */
    @Test
    void concurrentMintsNeverExceedTheQuota() throws Exception {
        String tenant = Admin.newTenant("race");
        Admin.createPolicy(tenant, "{\"tenantQuotaPerDay\":50,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(mintRequest(TestJwts.bearer("user-" + (i % 20), tenant)));
        }
        Burst.Outcome o = Burst.fire(http, requests, "tenant-quota");
        System.out.println("200 concurrent mints at a tenant quota of 50: " + o);
        assertThat(o.other())
                .as("answers other than 201, a quota refusal or a mint without a token under load")
                .isEmpty();
        assertThat(o.answers()).isEqualTo(200);
        if (o.withoutToken().isEmpty()) {
            assertThat(o.minted()).isEqualTo(50);
            assertThat(o.refused()).isEqualTo(150);
        }
        // At once when every caller got a 201 or a refusal: no mint runs on after its answer then.
        assertThat(settled(tenant, o.withoutToken().isEmpty() ? Duration.ZERO : Burst.QUIET))
                .as("every mint ended (quota used = tokens recorded)")
                .isTrue();
        long tokens = audit.count(tenant);
        o.assertTokens(tokens, 50);
        assertThat(quotaUsed(tenant))
                .as("the quota used is the tokens that exist")
                .isEqualTo(tokens);
        // What is left of the quota can be minted, and no more: 50 in all.
        int more = Burst.topUp(
                () -> http.send(mintRequest(TestJwts.bearer("late", tenant)), HttpResponse.BodyHandlers.ofString()),
                "tenant-quota",
                (int) (50 - tokens),
                5,
                () -> settled(tenant, Burst.QUIET));
        assertThat(settled(tenant, Duration.ZERO)).isTrue();
        assertThat(audit.count(tenant))
                .as("tokens after minting the rest (" + more + ")")
                .isEqualTo(50);
        assertThat(quotaUsed(tenant)).isEqualTo(50);
    }

    HttpRequest mintRequest(String bearer) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/tokens"))
                .header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
    }

    /** Waits until every mint so far has ended (support/Burst#settle): usage and tokens equal and still for {@code quiet}. */
    boolean settled(String tenant, Duration quiet) throws InterruptedException {
        return Burst.settle(() -> quotaUsed(tenant), () -> audit.count(tenant), quiet, Burst.MAX_SETTLE);
    }

    static long quotaUsed(String tenant) {
        return given().header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getLong("limits.find { it.scope == 'tenant-quota' }.used");
    }

    @Test
    void callerSeesEffectivePolicyAndRemainingLimits() {
        String tenant = Admin.newTenant("mine");
        Admin.createPolicy(
                tenant, "{\"userRatePerMinute\":4,\"userQuotaPerDay\":9,\"allowedTargetLanguages\":[\"es\"]}");
        String alice = TestJwts.bearer("alice", tenant);
        MinuteWindow.atLeastTenSecondsLeft();
        mint(alice, 201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("policySource", equalTo("tenant"))
                .body("policy.allowedTargetLanguages[0]", equalTo("es"))
                .body("limits.find { it.scope == 'user-rate' }.remaining", equalTo(3))
                .body("limits.find { it.scope == 'user-quota' }.remaining", equalTo(8))
                .body("blocked", equalTo(false));
    }
}
