package dev.livetoken.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** The admin policy API: create, read, replace, merge-patch, delete, with ETag / If-Match and roles. */
@QuarkusTest
@Tag("store")
class TenantPolicyAdminTest {

    static final String POLICY = "{\"allowedTargetLanguages\":[\"es\",\"FR\"],\"defaultTargetLanguage\":\"es\","
            + "\"userRatePerMinute\":5,\"userQuotaPerDay\":100}";

    @Test
    void createReadReplacePatchDeleteWithOptimisticConcurrency() {
        String tenant = Admin.newTenant("crud");
        String etag = Admin.createPolicy(tenant, POLICY);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(200)
                .header("ETag", equalTo(etag))
                .body("allowedTargetLanguages", contains("es", "fr"))
                .body("version", equalTo(1))
                .body("updatedBy", equalTo("root"));

        // no If-Match: 428; stale If-Match: 412
        Admin.putPolicy(Admin.PLATFORM, tenant, POLICY)
                .statusCode(428)
                .body("type", equalTo("https://livetoken.dev/problems/precondition-required"));
        Admin.replacePolicy(Admin.PLATFORM, tenant, "\"99\"", POLICY)
                .statusCode(412)
                .body("type", equalTo("https://livetoken.dev/problems/precondition-failed"));

        String etag2 = Admin.patchPolicy(
                        Admin.PLATFORM, tenant, etag, "{\"userRatePerMinute\":7,\"echoTargetLanguage\":true}")
                .statusCode(200)
                .body("userRatePerMinute", equalTo(7))
                .body("echoTargetLanguage", equalTo(true))
                .body("userQuotaPerDay", equalTo(100))
                .body("version", equalTo(2))
                .extract()
                .header("ETag");

        // the old ETag is now stale for every kind of change
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"enabled\":false}").statusCode(412);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .header("If-Match", etag)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(412);

        Admin.replacePolicy(Admin.PLATFORM, tenant, etag2, "{\"lockMode\":\"UNLOCKED\"}")
                .statusCode(200)
                .body("lockMode", equalTo("UNLOCKED"))
                .body("allowedTargetLanguages", equalTo(java.util.List.of()))
                .body("version", equalTo(3));

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .header("If-Match", "\"3\"")
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(204);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(404);
    }

    @Test
    void invalidPolicyNamesEveryBadField() {
        String tenant = Admin.newTenant("bad");
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body(
                        "{\"allowedTargetLanguages\":[\"es\",\"klingon\"],\"defaultUses\":0,\"tokenLifetimeSeconds\":72000}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("allowedTargetLanguages[1]"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"defaultUses\":0,\"tokenLifetimeSeconds\":72000,\"maxTokenLifetimeSeconds\":72000}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("defaultUses"))
                .body("errors.field", hasItem("maxTokenLifetimeSeconds"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"maxUsers\":3}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(400)
                .body("field", equalTo("maxUsers"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("text/plain")
                .body("x")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(415);
    }

    @Test
    void tenantAdminReachesOnlyItsOwnTenant() {
        String mine = Admin.newTenant("mine");
        String theirs = Admin.newTenant("theirs");
        Admin.createPolicy(mine, POLICY);
        Admin.createPolicy(theirs, POLICY);
        String tenantAdmin = Admin.tenantAdmin(mine);
        given().filter(Contract.VALIDATED)
                .header("Authorization", tenantAdmin)
                .when()
                .get("/admin/v1/tenants/" + mine + "/policy")
                .then()
                .statusCode(200);
        given().filter(Contract.VALIDATED)
                .header("Authorization", tenantAdmin)
                .when()
                .get("/admin/v1/tenants/" + theirs + "/policy")
                .then()
                .statusCode(403);
        given().filter(Contract.VALIDATED)
                .header("Authorization", tenantAdmin)
                .when()
                .get("/admin/v1/tenants")
                .then()
                .statusCode(200)
                .body("tenants.tenantId", contains(mine));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants")
                .then()
                .statusCode(200)
                .body("tenants.tenantId", hasItem(mine))
                .body("tenants.tenantId", hasItem(theirs));
        // an app user is not an admin
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", mine))
                .when()
                .get("/admin/v1/tenants/" + mine + "/policy")
                .then()
                .statusCode(403);
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", mine, "token-broker"))
                .when()
                .get("/admin/v1/tenants")
                .then()
                .statusCode(403)
                .body("tenants", not(hasItem(mine)));
    }

    @Test
    void policyChangeAppliesToTheNextMint() {
        String tenant = Admin.newTenant("apply");
        String etag = Admin.createPolicy(tenant, POLICY);
        String user = TestJwts.bearer("alice", tenant);
        Mints.post(user, "{\"targetLanguageCode\":\"de\"}").statusCode(403);
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"allowedTargetLanguages\":[\"es\",\"de\"]}")
                .statusCode(200);
        Mints.post(user, "{\"targetLanguageCode\":\"de\"}").statusCode(201);
    }
}
