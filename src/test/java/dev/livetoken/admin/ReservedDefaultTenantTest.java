package dev.livetoken.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 8 item 6: tenant id {@code default} names the platform's fallback policy, so nobody may
 * belong to it, and only platform-admins administer it.
 */
@QuarkusTest
@Tag("store")
class ReservedDefaultTenantTest {

    static final String TENANT_CLAIM = "https://livetoken.dev/problems/tenant-claim-missing";

    @Test
    void aTenantAdminOfTenantDefaultCannotReadOrChangeTheDefaultPolicy() {
        String etag = Admin.policyEtag("default");
        for (String tenant : new String[] {"default", "DEFAULT", "Default"}) {
            String impostor = Admin.tenantAdmin(tenant);
            given().filter(Contract.VALIDATED)
                    .header("Authorization", impostor)
                    .when()
                    .get("/admin/v1/tenants/default/policy")
                    .then()
                    .statusCode(403)
                    .body("type", equalTo(TENANT_CLAIM))
                    .body("detail", containsString("reserved"));
            Admin.patchPolicy(impostor, "default", etag, "{\"userQuotaPerDay\":100000}")
                    .statusCode(403)
                    .body("type", equalTo(TENANT_CLAIM));
            given().filter(Contract.VALIDATED)
                    .header("Authorization", impostor)
                    .when()
                    .get("/admin/v1/tenants")
                    .then()
                    .statusCode(403);
        }
        // nothing changed
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/default/policy")
                .then()
                .statusCode(200)
                .header("ETag", equalTo(etag));
    }

    @Test
    void noCallerMayBelongToTenantDefault() {
        Mints.post(TestJwts.bearer("alice", "default")).statusCode(403).body("type", equalTo(TENANT_CLAIM));
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "default"))
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(403)
                .body("type", equalTo(TENANT_CLAIM));
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("root", "default", "platform-admin"))
                .when()
                .get("/admin/v1/tenants/default/policy")
                .then()
                .statusCode(403);
    }

    @Test
    void aTenantAdminCannotAdministerTheDefaultPolicyFromAnotherTenant() {
        String tenant = Admin.newTenant("notdefault");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.tenantAdmin(tenant))
                .when()
                .get("/admin/v1/tenants/default/policy")
                .then()
                .statusCode(403);
    }

    @Test
    void tenantDefaultHasNoUsersToBlock() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/default/blocks/tenant")
                .then()
                .statusCode(400)
                .body("field", equalTo("tenantId"))
                .body("detail", containsString("enabled"));
    }
}
