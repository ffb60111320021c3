package dev.livetoken.store;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Stalls;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * A stalled store never stalls a mint past its budget: the caller gets {@code 503
 * store-unavailable} with {@code Retry-After} once the mint has waited {@code mint-budget} on the
 * store, and the reservation that lands later is given back, or never lands because the statement
 * timeout ends the stalled statement.
 */
@QuarkusTest
@Tag("store")
@TestProfile(StoreStallTest.ShortBudget.class)
class StoreStallTest {

    static final Duration BUDGET = Duration.ofSeconds(1);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(6);
    /** Scheduling slack on a loaded 2-core machine. */
    static final Duration SLACK = Duration.ofMillis(1500);

    /** A budget shorter than the statement timeout, so it is the budget that answers the caller. */
    public static class ShortBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("livetoken.store.mint-budget", "PT1S", "livetoken.store.statement-timeout", "PT6S");
        }
    }

    @Inject
    Store store;

    @Test
    void aStalledReservationIsAnswered503WithinTheBudgetAndGivenBackWhenItLands() throws Exception {
        String tenant = Admin.newTenant("stall");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":100,\"userRatePerMinute\":0}");
        String bearer = TestJwts.bearer("carol", tenant);
        given().header("Authorization", bearer).when().post("/v1/tokens").then().statusCode(201);

        try (Connection lock = Stalls.lockUserCounter(store, tenant, "carol")) {
            Response r = given().filter(Contract.VALIDATED)
                    .header("Authorization", bearer)
                    .contentType("application/json")
                    .when()
                    .post("/v1/tokens");
            // The exchange itself, as the HTTP client timed it (not REST Assured's own parsing).
            Duration took = Duration.ofMillis(r.time());
            r.then()
                    .statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", equalTo("5"))
                    .body("type", equalTo("https://livetoken.dev/problems/store-unavailable"))
                    .body(not(containsString("auth_tokens/")));
            System.out.printf(
                    "store stalled: answered %d after %d ms (budget %d ms)%n",
                    r.statusCode(), took.toMillis(), BUDGET.toMillis());
            assertThat(took).isGreaterThanOrEqualTo(BUDGET.minusMillis(50)).isLessThan(BUDGET.plus(SLACK));
            lock.rollback();
        }
        // The stalled reservation commits once the lock is gone, finds its caller answered, and gives itself back.
        boolean released = Stalls.eventually(
                Duration.ofSeconds(10),
                () -> Stalls.metric(
                                "livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\"", "result=\"released\"")
                        == 1);
        assertThat(released).isTrue();
        assertThat(Stalls.userUsedToday(tenant, "carol")).isEqualTo(1);
        assertThat(Stalls.deliveries(tenant)).containsExactly("returned");
    }

    @Test
    void aStatementStalledPastTheStatementTimeoutEndsWithoutSpendingAnything() throws Exception {
        String tenant = Admin.newTenant("stall2");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":100,\"userRatePerMinute\":0}");
        String bearer = TestJwts.bearer("dave", tenant);
        given().header("Authorization", bearer).when().post("/v1/tokens").then().statusCode(201);

        try (Connection lock = Stalls.lockUserCounter(store, tenant, "dave")) {
            Response r = given().header("Authorization", bearer).when().post("/v1/tokens");
            r.then()
                    .statusCode(503)
                    .header("Retry-After", equalTo("5"))
                    .body("type", equalTo("https://livetoken.dev/problems/store-unavailable"));
            assertThat(Duration.ofMillis(r.time())).isLessThan(BUDGET.plus(SLACK));
            // Hold the lock past the statement timeout: the stalled UPDATE must fail and roll back.
            Thread.sleep(STATEMENT_TIMEOUT.plusMillis(800).toMillis());
            lock.rollback();
        }
        Thread.sleep(300);
        assertThat(Stalls.userUsedToday(tenant, "dave")).isEqualTo(1);
        assertThat(Stalls.deliveries(tenant)).containsExactly("returned");
        // The timed-out reservation never committed, so there was nothing to give back.
        assertThat(Stalls.metric("livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\""))
                .isZero();
        // And the store is healthy again: the next mint goes through.
        given().header("Authorization", bearer).when().post("/v1/tokens").then().statusCode(201);
    }
}
