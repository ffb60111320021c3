package dev.livetoken.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static dev.livetoken.support.Mints.mint;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * Issue 8 item 4: a tenant-admin cannot undo what a platform-admin decided. Who set a block or a
 * disable is recorded, and only a platform-admin may lift what a platform-admin set.
 */
@QuarkusTest
@Tag("store")
class PlatformAuthorityTest {

    static final String RESERVED = "https://livetoken.dev/problems/platform-reserved";

    @Test
    void aTenantAdminCannotLiftATenantBlockAPlatformAdminSet() {
        String tenant = Admin.newTenant("pblock");
        Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        String alice = TestJwts.bearer("alice", tenant);

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"reason\":\"unpaid invoice\"}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(201)
                .body("createdBy", equalTo("root"))
                .body("createdByRole", equalTo("platform-admin"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(403)
                .body("type", equalTo(RESERVED))
                .body("detail", containsString("platform-admin"));
        mint(alice, 403);

        // repeating the block as tenant-admin does not take the block over (and so cannot lift it next)
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(200)
                .body("createdByRole", equalTo("platform-admin"))
                .body("createdBy", equalTo("root"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(403);
        mint(alice, 403);

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(204);
        mint(alice, 201);
    }

    @Test
    void aTenantAdminMayLiftItsOwnBlocksButNotAPlatformUserBlock() {
        String tenant = Admin.newTenant("oblock");
        Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/bob")
                .then()
                .statusCode(201)
                .body("createdByRole", equalTo("tenant-admin"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/users/bob")
                .then()
                .statusCode(204);

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/mallory")
                .then()
                .statusCode(201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/users/mallory")
                .then()
                .statusCode(403)
                .body("type", equalTo(RESERVED));
        mint(TestJwts.bearer("mallory", tenant), 403);

        // a platform-admin repeating a tenant-admin's block takes it over
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/eve")
                .then()
                .statusCode(201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/eve")
                .then()
                .statusCode(200)
                .body("createdByRole", equalTo("platform-admin"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/users/eve")
                .then()
                .statusCode(403);
    }

    @Test
    void aTenantAdminCannotReEnableAPolicyAPlatformAdminDisabled() {
        String tenant = Admin.newTenant("pdisable");
        String etag = Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        String alice = TestJwts.bearer("alice", tenant);
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"enabled\":false}")
                .statusCode(200)
                .body("disabledBy", equalTo("root"))
                .body("disabledByRole", equalTo("platform-admin"));
        mint(alice, 403);

        Admin.patchPolicy(ops, tenant, Admin.policyEtag(tenant), "{\"enabled\":true}")
                .statusCode(403)
                .body("type", equalTo(RESERVED))
                .body("errors.field", hasItem("enabled"));
        Admin.replacePolicy(ops, tenant, Admin.policyEtag(tenant), "{\"enabled\":true}")
                .statusCode(403)
                .body("errors.field", hasItem("enabled"));
        // deleting its policy would fall back to the (enabled) default policy: also refused
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .header("If-Match", Admin.policyEtag(tenant))
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(403)
                .body("type", equalTo(RESERVED));
        mint(alice, 403);

        // other changes stay possible and keep the platform's disable
        Admin.patchPolicy(ops, tenant, Admin.policyEtag(tenant), "{\"userQuotaPerDay\":5}")
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("disabledByRole", equalTo("platform-admin"));
        mint(alice, 403);

        Admin.patchPolicy(Admin.PLATFORM, tenant, Admin.policyEtag(tenant), "{\"enabled\":true}")
                .statusCode(200);
        mint(alice, 201);
    }

    @Test
    void aTenantAdminMayReEnableWhatItDisabledItself() {
        String tenant = Admin.newTenant("tdisable");
        Admin.createPolicy(tenant, "{}");
        String ops = Admin.tenantAdmin(tenant);
        Admin.patchPolicy(ops, tenant, Admin.policyEtag(tenant), "{\"enabled\":false}")
                .statusCode(200)
                .body("disabledBy", equalTo("ops"))
                .body("disabledByRole", equalTo("tenant-admin"));
        mint(TestJwts.bearer("alice", tenant), 403);
        Admin.patchPolicy(ops, tenant, Admin.policyEtag(tenant), "{\"enabled\":true}")
                .statusCode(200);
        mint(TestJwts.bearer("alice", tenant), 201);
    }

    @Test
    void aTenantAdminCannotDeleteItsPolicyToShedWhatThePlatformSet() {
        String tenant = Admin.newTenant("pdelete");
        String etag = Admin.createPolicy(tenant, "{\"tenantQuotaPerDay\":5}");
        String ops = Admin.tenantAdmin(tenant);
        given().filter(Contract.VALIDATED)
                .header("Authorization", ops)
                .header("If-Match", etag)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(403)
                .body("type", equalTo(RESERVED))
                .body("errors.field", hasItem("tenantQuotaPerDay"));
        // nor change that field directly
        Admin.patchPolicy(ops, tenant, etag, "{\"tenantQuotaPerDay\":0}")
                .statusCode(403)
                .body("errors.field", hasItem("tenantQuotaPerDay"));

        // a policy that differs from the default only in what the tenant-admin may change can go
        String other = Admin.newTenant("tdelete");
        String etag2 = Admin.createPolicy(other, "{\"userQuotaPerDay\":3}");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.tenantAdmin(other))
                .header("If-Match", etag2)
                .when()
                .delete("/admin/v1/tenants/" + other + "/policy")
                .then()
                .statusCode(204);
    }
}
