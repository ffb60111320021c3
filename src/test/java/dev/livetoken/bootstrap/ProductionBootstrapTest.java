package dev.livetoken.bootstrap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.ProductionProfile;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.UpstreamConfig;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/**
 * A production service with nothing in its store, as an operator first starts it: the policies
 * file serves its tenants at once, and a platform-admin JWT from the operator's own identity
 * provider (issuer, audience, key as configured; {@code groups} holding {@code platform-admin})
 * creates every other tenant's first policy through the admin API. Same profile, hence the same
 * boot, as {@code ProductionBuildTest}.
 */
@QuarkusTest
@TestProfile(ProductionProfile.class)
class ProductionBootstrapTest {

    @Inject
    UpstreamConfig upstream;

    /** A JWT as the operator's identity provider would sign it (not the dev key). */
    static String idpJwt(String subject, String tenant, String... groups) {
        return "Bearer "
                + TestJwts.user(subject, tenant, groups)
                        .claim("iss", ProductionProfile.ISSUER)
                        .signWith(ProductionProfile.PRIVATE_KEY);
    }

    @Test
    void aTenantFromThePoliciesFileIsServedWithoutAnyAdminCall() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", idpJwt("alice", "seeded"))
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("policySource", equalTo("tenant"))
                .body("policy.allowedTargetLanguages", contains("es", "fr"))
                .body("policy.defaultTargetLanguage", equalTo("fr"))
                .body("policy.userQuotaPerDay", equalTo(7));
        given().filter(Contract.VALIDATED)
                .header("Authorization", idpJwt("ops@example.com", "platform", "platform-admin"))
                .when()
                .get("/admin/v1/tenants/seeded/policy")
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("updatedBy", equalTo(PolicySeed.CREATED_BY));
    }

    @Test
    void aPlatformAdminJwtFromTheOperatorsIdentityProviderCreatesTheFirstPolicy() {
        String tenant = Admin.newTenant("first");
        String user = idpJwt("bob", tenant);
        given().filter(Contract.VALIDATED)
                .header("Authorization", user)
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/unknown-tenant"));

        Admin.putPolicy(
                        idpJwt("ops@example.com", "platform", "platform-admin"),
                        tenant,
                        "{\"allowedTargetLanguages\":[\"de\"],\"defaultTargetLanguage\":\"de\"}")
                .statusCode(201)
                .body("updatedBy", equalTo("ops@example.com"));

        given().filter(Contract.VALIDATED)
                .header("Authorization", user)
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(200)
                .body("defaultTargetLanguageCode", equalTo("de"));
    }

    @Test
    void withoutThePlatformAdminGroupTheSameJwtIsRefused() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", idpJwt("ops@example.com", "platform"))
                .contentType("application/json")
                .body("{}")
                .when()
                .put("/admin/v1/tenants/" + Admin.newTenant("nogroup") + "/policy")
                .then()
                .statusCode(403);
    }

    @Test
    void theGeminiKeyLosesTheNewlineItsFileCarried() {
        assertThat(upstream.apiKey()).contains("prod-test-gemini-key");
    }
}
