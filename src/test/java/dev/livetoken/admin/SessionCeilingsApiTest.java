package dev.livetoken.admin;

import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/**
 * The platform's ceilings bound the session budgets and live-token caps: a tenant-admin (or a
 * platform-admin) can neither lift a budget or cap to "none" (0) nor set it above the ceiling.
 */
@QuarkusTest
@Tag("store")
@TestProfile(SessionCeilingsApiTest.Ceilings.class)
class SessionCeilingsApiTest {

    public static class Ceilings implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "livetoken.platform.max-user-session-minutes-per-day", "600",
                    "livetoken.platform.max-tenant-session-minutes-per-day", "6000",
                    "livetoken.platform.max-live-tokens-per-user", "5",
                    "livetoken.platform.max-live-tokens-per-tenant", "50",
                    // the defaults must themselves stay within the ceilings, or the service does not start
                    "livetoken.default-policy.user-session-minutes-per-day", "300",
                    "livetoken.default-policy.tenant-session-minutes-per-day", "3000",
                    "livetoken.default-policy.max-live-tokens-per-user", "3",
                    "livetoken.default-policy.max-live-tokens-per-tenant", "30");
        }
    }

    static final String CEILING = "https://livetoken.dev/problems/platform-ceiling";

    @Test
    void theCeilingsAreReadableFlat() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/platform")
                .then()
                .statusCode(200)
                .body("maxUserSessionMinutesPerDay", equalTo(600))
                .body("maxTenantSessionMinutesPerDay", equalTo(6000))
                .body("maxLiveTokensPerUser", equalTo(5))
                .body("maxLiveTokensPerTenant", equalTo(50))
                .body("tenantAdminFields", hasItems("userSessionMinutesPerDay", "maxLiveTokensPerUser"));
    }

    @Test
    void aTenantAdminCannotWidenABudgetOrCapBeyondTheCeiling() {
        String tenant = Admin.newTenant("sceil");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        // "none" is looser than any ceiling
        Admin.patchPolicy(ops, tenant, etag, "{\"userSessionMinutesPerDay\":0,\"maxLiveTokensPerUser\":6}")
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("errors.field", hasItems("userSessionMinutesPerDay", "maxLiveTokensPerUser"))
                .body(
                        "errors.find { it.field == 'userSessionMinutesPerDay' }.message",
                        containsString("livetoken.platform.max-user-session-minutes-per-day"))
                .body("errors.find { it.field == 'maxLiveTokensPerUser' }.message", containsString("between 1 and 5"));
        // the tenant-wide ones are the platform's to set at all
        Admin.patchPolicy(ops, tenant, etag, "{\"maxLiveTokensPerTenant\":10}")
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/platform-reserved"))
                .body("field", equalTo("maxLiveTokensPerTenant"));
        // a platform-admin is held to the same ceilings
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"tenantSessionMinutesPerDay\":6001}")
                .statusCode(403)
                .body("type", equalTo(CEILING))
                .body("field", equalTo("tenantSessionMinutesPerDay"));
        // within the ceilings the tenant-admin tightens or loosens as it likes
        Admin.patchPolicy(ops, tenant, etag, "{\"userSessionMinutesPerDay\":600,\"maxLiveTokensPerUser\":1}")
                .statusCode(200)
                .body("userSessionMinutesPerDay", equalTo(600))
                .body("maxLiveTokensPerUser", equalTo(1))
                .body("maxLiveTokensPerTenant", equalTo(30));
    }
}
