package dev.livetoken.limits;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.FlakyUpstream;
import dev.livetoken.support.Mints;
import dev.livetoken.support.Stalls;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;
import dev.livetoken.upstream.UpstreamMetrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Worst-case session-minutes budgets (issue 9 part 1): every mint answer says what it was charged,
 * a worst case that does not fit in what is left of the UTC day is refused 429 naming the budget
 * and what would fit, a failed mint gives its minutes back, and the views show what was charged.
 * Policies here mint 30-minute tokens by default: 1 use × (1800 s + 600 s tail) = 40 minutes.
 */
@QuarkusTest
@Tag("store")
class SessionBudgetTest {

    static final String BUDGET = "https://livetoken.dev/problems/session-budget-exceeded";

    @Inject
    Vertx vertx;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    UpstreamMetrics metrics;

    static long secondsToNextUtcDay() {
        Instant now = Instant.now();
        return Duration.between(now, now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1)))
                .toSeconds();
    }

    @Test
    void aUserWhoseWorstCaseDoesNotFitIsRefusedAndToldWhatWouldFit() {
        String tenant = Admin.newTenant("ubudget");
        Admin.createPolicy(
                tenant, "{\"userSessionMinutesPerDay\":100,\"userRatePerMinute\":0,\"tokenLifetimeSeconds\":1800}");
        String alice = TestJwts.bearer("alice", tenant);
        Mints.post(alice, "{}").statusCode(201).body("worstCaseSessionMinutes", equalTo(40));
        Mints.post(alice, "{}").statusCode(201).body("worstCaseSessionMinutes", equalTo(40));
        String retryAfter = Mints.post(alice, "{}")
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo(BUDGET))
                .body("scope", equalTo("user-session-minutes"))
                .body("detail", containsString("20 of 100"))
                .body("detail", containsString("\"lifetimeSeconds\": 600 or less"))
                .header("RateLimit-Limit", "100")
                .header("RateLimit-Remaining", "20")
                .header("RateLimit-Policy", "100;w=86400")
                .extract()
                .header("Retry-After");
        assertThat(Long.parseLong(retryAfter))
                .as("until the next UTC day")
                .isBetween(secondsToNextUtcDay() - 10, secondsToNextUtcDay() + 1);
        // the advice is right: a 600 s token costs exactly the 20 minutes left
        Mints.post(alice, "{\"lifetimeSeconds\":600}").statusCode(201).body("worstCaseSessionMinutes", equalTo(20));
        Mints.post(alice, "{\"lifetimeSeconds\":1}")
                .statusCode(429)
                .body("scope", equalTo("user-session-minutes"))
                .body("detail", containsString("No token fits"));
        // another user of the tenant has a budget of their own
        Mints.post(TestJwts.bearer("bob", tenant), "{}").statusCode(201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("policy.userSessionMinutesPerDay", equalTo(100))
                .body("policy.maxLiveTokensPerUser", equalTo(0))
                .body("limits.find { it.scope == 'user-session-minutes' }.used", equalTo(100))
                .body("limits.find { it.scope == 'user-session-minutes' }.remaining", equalTo(0))
                .body("limits.find { it.scope == 'user-session-minutes' }.window", equalTo("day"))
                .body("limits.find { it.scope == 'tenant-session-minutes' }.limit", equalTo(0));
        assertThat(Stalls.metric(
                        "livetoken_limit_refusals_total",
                        "tenant=\"" + tenant + "\"",
                        "scope=\"user-session-minutes\""))
                .isEqualTo(2);
    }

    @Test
    void theTenantBudgetCoversAllItsUsersAndTheUsageViewShowsWhatWasCharged() {
        String tenant = Admin.newTenant("tbudget");
        Admin.createPolicy(tenant, "{\"tenantSessionMinutesPerDay\":100,\"userRatePerMinute\":0}");
        Mints.post(TestJwts.bearer("a", tenant), "{\"lifetimeSeconds\":1800}").statusCode(201);
        Mints.post(TestJwts.bearer("b", tenant), "{\"lifetimeSeconds\":1800,\"uses\":1}")
                .statusCode(201);
        Mints.post(TestJwts.bearer("c", tenant), "{\"lifetimeSeconds\":1800,\"uses\":2}")
                .statusCode(429)
                .body("type", equalTo(BUDGET))
                .body("scope", equalTo("tenant-session-minutes"))
                .body("detail", containsString("Your tenant has 20 of 100"))
                .header("RateLimit-Remaining", "20");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .body("sessionMinutesCharged", equalTo(80))
                .body("users.find { it.subject == 'a' }.sessionMinutesCharged", equalTo(40))
                .body("users.find { it.subject == 'b' }.sessionMinutesCharged", equalTo(40))
                .body("users.find { it.subject == 'c' }", equalTo(null))
                .body("limits.find { it.scope == 'tenant-session-minutes' }.used", equalTo(80))
                .body("limits.find { it.scope == 'tenant-session-minutes' }.remaining", equalTo(20));
        assertThat(Stalls.metric("livetoken_session_minutes_charged_total", "tenant=\"" + tenant + "\""))
                .isEqualTo(80);
    }

    @Test
    void minutesAreChargedAndRecordedEvenWithoutABudget() {
        String tenant = Admin.newTenant("nobudget");
        Admin.createPolicy(tenant, "{\"userRatePerMinute\":0}");
        Mints.post(TestJwts.bearer("alice", tenant), "{\"uses\":3,\"lifetimeSeconds\":1200}")
                .statusCode(201)
                .body("worstCaseSessionMinutes", equalTo(90));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .body("items[0].worstCaseSessionMinutes", equalTo(90));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .body("sessionMinutesCharged", equalTo(90))
                .body("users[0].sessionMinutesCharged", equalTo(90));
    }

    @Test
    void aMintWhoseUpstreamCallFailsGivesItsMinutesBack() {
        String tenant = Admin.newTenant("giveback");
        Admin.createPolicy(
                tenant, "{\"userSessionMinutesPerDay\":40,\"tenantSessionMinutesPerDay\":40,\"userRatePerMinute\":0}");
        FlakyUpstream flaky = new FlakyUpstream(vertx, upstreamConfig, metrics);
        QuarkusMock.installMockForType(flaky, UpstreamFacade.class);
        flaky.failures.set(2);
        String alice = TestJwts.bearer("alice", tenant);
        Mints.post(alice, "{\"lifetimeSeconds\":1800}").statusCode(503);
        Mints.post(alice, "{\"lifetimeSeconds\":1800}").statusCode(503);
        // both failed mints gave their 40 minutes back: the whole budget is still there
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("limits.find { it.scope == 'user-session-minutes' }.used", equalTo(0))
                .body("limits.find { it.scope == 'tenant-session-minutes' }.used", equalTo(0));
        Mints.post(alice, "{\"lifetimeSeconds\":1800}").statusCode(201).body("worstCaseSessionMinutes", equalTo(40));
        Mints.post(alice, "{\"lifetimeSeconds\":1}").statusCode(429).body("scope", equalTo("tenant-session-minutes"));
        assertThat(Stalls.metric("livetoken_session_minutes_charged_total", "tenant=\"" + tenant + "\""))
                .isEqualTo(40);
    }

    @Test
    void simulateChargesNothingAndExplainsEachBudget() {
        String tenant = Admin.newTenant("simbudget");
        Admin.createPolicy(tenant, "{\"userSessionMinutesPerDay\":60,\"userRatePerMinute\":0}");
        Mints.post(TestJwts.bearer("alice", tenant), "{\"lifetimeSeconds\":1800}")
                .statusCode(201);
        String body = "{\"claims\":{\"subject\":\"alice\",\"tenant\":\"" + tenant + "\"},\"request\":%s}";
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body(body.formatted("{\"lifetimeSeconds\":1800}"))
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(false))
                .body("problem.type", equalTo(BUDGET))
                .body("problem.scope", equalTo("user-session-minutes"))
                .body("problem.detail", containsString("\"lifetimeSeconds\": 600 or less"))
                .body("decisions.part", hasItem("worstCaseSessionMinutes"))
                .body(
                        "decisions.find { it.part == 'user-session-minutes' }.value",
                        equalTo("does not fit: 40 of 20 minutes left today"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body(body.formatted("{\"lifetimeSeconds\":600}"))
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(true))
                .body("token.worstCaseSessionMinutes", equalTo(20))
                .body(
                        "decisions.find { it.part == 'worstCaseSessionMinutes' }.rule",
                        containsString("(600 s lifetime + 600 s connection tail)"))
                .body(
                        "decisions.find { it.part == 'user-session-minutes' }.value",
                        equalTo("fits: 20 of 20 minutes left today"));
        // simulating charged nothing
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", tenant))
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("limits.find { it.scope == 'user-session-minutes' }.used", equalTo(40));
    }
}
