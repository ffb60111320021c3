package dev.livetoken.support;

import java.util.UUID;

import io.restassured.response.ValidatableResponse;

import static io.restassured.RestAssured.given;

/**
 * Test helpers for the admin API: fresh tenants with a policy, as a platform admin would make them,
 * the admins' JWTs, and the policy requests tests make again and again (validated against
 * openapi.yaml; the caller checks the answer).
 */
public final class Admin {

    public static final String PLATFORM = TestJwts.bearer("root", "platform", "platform-admin");

    private Admin() {}

    /** A tenant id no other test uses, so tests may share one database (and run against PostgreSQL). */
    public static String newTenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The JWT of {@code tenant}'s tenant-admin, subject {@code ops}. */
    public static String tenantAdmin(String tenant) {
        return TestJwts.bearer("ops", tenant, "tenant-admin");
    }

    /** Creates the tenant's policy from a JSON document; returns the ETag. */
    public static String createPolicy(String tenant, String json) {
        return putPolicy(PLATFORM, tenant, json).statusCode(201).extract().header("ETag");
    }

    /** The ETag of the tenant's stored policy, read by a platform admin. */
    public static String policyEtag(String tenant) {
        return given().header("Authorization", PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
    }

    /** {@code PUT} of a tenant's first policy (no {@code If-Match}) by {@code bearer}. */
    public static ValidatableResponse putPolicy(String bearer, String tenant, String json) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .body(json)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then();
    }

    /** {@code PUT} replacing the tenant's policy whose ETag is {@code etag}, by {@code bearer}. */
    public static ValidatableResponse replacePolicy(String bearer, String tenant, String etag, String json) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .header("If-Match", etag)
                .contentType("application/json")
                .body(json)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then();
    }

    /** {@code PATCH} (a JSON merge patch) of the tenant's policy whose ETag is {@code etag}, by {@code bearer}. */
    public static ValidatableResponse patchPolicy(String bearer, String tenant, String etag, String patch) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .header("If-Match", etag)
                .contentType("application/merge-patch+json")
                .body(patch)
                .when()
                .patch("/admin/v1/tenants/" + tenant + "/policy")
                .then();
    }
}
