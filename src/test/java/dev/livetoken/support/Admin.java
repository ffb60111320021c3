package dev.livetoken.support;

import java.util.UUID;

import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

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
                .get(policyPath(tenant))
                .then()
                .statusCode(200)
                .extract()
                .header("ETag");
    }

    /** {@code PUT} of a tenant's first policy (no {@code If-Match}) by {@code bearer}. */
    public static ValidatableResponse putPolicy(String bearer, String tenant, String json) {
        return write(bearer, null, "application/json", json)
                .put(policyPath(tenant))
                .then();
    }

    /** {@code PUT} replacing the tenant's policy whose ETag is {@code etag}, by {@code bearer}. */
    public static ValidatableResponse replacePolicy(String bearer, String tenant, String etag, String json) {
        return write(bearer, etag, "application/json", json)
                .put(policyPath(tenant))
                .then();
    }

    /** {@code PATCH} (a JSON merge patch) of the tenant's policy whose ETag is {@code etag}, by {@code bearer}. */
    public static ValidatableResponse patchPolicy(String bearer, String tenant, String etag, String patch) {
        return write(bearer, etag, "application/merge-patch+json", patch)
                .patch(policyPath(tenant))
                .then();
    }

    private static String policyPath(String tenant) {
        return "/admin/v1/tenants/" + tenant + "/policy";
    }

    private static RequestSpecification write(String bearer, String etag, String contentType, String body) {
        RequestSpecification r = given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType(contentType)
                .body(body);
        return etag == null ? r : r.header("If-Match", etag);
    }
}
