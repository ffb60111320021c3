package dev.livetoken.support;

import java.util.UUID;

import static io.restassured.RestAssured.given;

/** Test helpers for the admin API: fresh tenants with a policy, as a platform admin would make them. */
public final class Admin {

    public static final String PLATFORM = TestJwts.bearer("root", "platform", "platform-admin");

    private Admin() {}

    /** A tenant id no other test uses, so tests may share one database (and run against PostgreSQL). */
    public static String newTenant(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates the tenant's policy from a JSON document; returns the ETag. */
    public static String createPolicy(String tenant, String json) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", PLATFORM)
                .contentType("application/json")
                .body(json)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/policy")
                .then()
                .statusCode(201)
                .extract()
                .header("ETag");
    }
}
