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

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
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

    @Test
    void concurrentMintsNeverExceedTheQuota() throws Exception {
        String tenant = Admin.newTenant("race");
        Admin.createPolicy(tenant, "{\"tenantQuotaPerDay\":50}");
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/tokens"))
                    .header("Authorization", TestJwts.bearer("user-" + (i % 20), tenant))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int refused = 0;
        for (var c : calls) {
            int s = c.get().statusCode();
            if (s == 201) {
                ok++;
            } else if (s == 429) {
                refused++;
            }
        }
        assertThat(ok).isEqualTo(50);
        assertThat(refused).isEqualTo(150);
        assertThat(audit.count(tenant)).isEqualTo(50);
    }

    @Test
    void callerSeesEffectivePolicyAndRemainingLimits() {
        String tenant = Admin.newTenant("mine");
        Admin.createPolicy(
                tenant, "{\"userRatePerMinute\":4,\"userQuotaPerDay\":9,\"allowedTargetLanguages\":[\"es\"]}");
        String alice = TestJwts.bearer("alice", tenant);
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
