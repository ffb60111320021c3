package dev.livetoken.admin;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static dev.livetoken.support.Mints.mint;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

/** The kill switch, simulation, and tenants without a policy. */
@QuarkusTest
@Tag("store")
class KillSwitchAndSimulateTest {

    @Inject
    AuditLog audit;

    @Inject
    EmulatorTokenStore emulator;

    @Test
    void blockingAUserOrTheTenantStopsMintingAtOnce() {
        String tenant = Admin.newTenant("kill");
        Admin.createPolicy(tenant, "{}");
        String alice = TestJwts.bearer("alice", tenant);
        String bob = TestJwts.bearer("bob", tenant);
        mint(alice, 201);

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"reason\":\"leaked login\"}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/alice")
                .then()
                .statusCode(201)
                .body("createdBy", equalTo("root"));
        Mints.post(alice).statusCode(403).body("type", equalTo("https://livetoken.dev/problems/blocked"));
        mint(bob, 201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", alice)
                .when()
                .get("/v1/policy")
                .then()
                .statusCode(200)
                .body("blocked", equalTo(true));

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.tenantAdmin(tenant))
                .contentType("application/json")
                .body("{}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(201);
        mint(bob, 403);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/blocks")
                .then()
                .statusCode(200)
                .body("blocks.subject", hasItem("*"))
                .body("blocks.subject", hasItem("alice"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants")
                .then()
                .statusCode(200)
                .body("tenants.find { it.tenantId == '" + tenant + "' }.blocked", equalTo(true));

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(204);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/users/alice")
                .then()
                .statusCode(204);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/users/alice")
                .then()
                .statusCode(404);
        mint(alice, 201);
    }

    @Test
    void simulationExplainsWithoutMintingOrSpending() {
        String tenant = Admin.newTenant("sim");
        Admin.createPolicy(
                tenant,
                "{\"allowedTargetLanguages\":[\"es\",\"fr\"],\"defaultTargetLanguage\":\"es\","
                        + "\"userQuotaPerDay\":1}");
        long auditBefore = audit.count(tenant);
        int emulatorBefore = emulator.size();
        String body = "{\"claims\":{\"subject\":\"alice\",\"tenant\":\"" + tenant + "\"},"
                + "\"request\":{\"targetLanguageCode\":\"fr\",\"uses\":2}}";
        for (int i = 0; i < 3; i++) {
            given().filter(Contract.VALIDATED)
                    .header("Authorization", Admin.PLATFORM)
                    .contentType("application/json")
                    .body(body)
                    .when()
                    .post("/admin/v1/simulate")
                    .then()
                    .statusCode(200)
                    .body("allowed", equalTo(true))
                    .body("token.translationConfig.targetLanguageCode", equalTo("fr"))
                    .body("token.uses", equalTo(2))
                    .body(
                            "token.fieldMask",
                            equalTo("model,generationConfig.responseModalities,"
                                    + "generationConfig.translationConfig,inputAudioTranscription,outputAudioTranscription,"
                                    + "tools,systemInstruction"))
                    .body(
                            "decisions.find { it.part == 'targetLanguageCode' }.rule",
                            org.hamcrest.Matchers.containsString("allowedTargetLanguages"))
                    .body("limits.find { it.scope == 'user-quota' }.remaining", equalTo(1))
                    .body("policySource", equalTo("tenant"));
        }
        assertThat(audit.count(tenant)).isEqualTo(auditBefore);
        assertThat(emulator.size()).isEqualTo(emulatorBefore);

        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"claims\":{\"subject\":\"alice\",\"tenant\":\"" + tenant
                        + "\"},\"request\":{\"targetLanguageCode\":\"de\"}}")
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(false))
                .body("problem.type", equalTo("https://livetoken.dev/problems/language-not-allowed"))
                .body("token", nullValue());

        // after a real mint the quota is gone, and the simulation says so
        mint(TestJwts.bearer("alice", tenant), 201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(false))
                .body("problem.type", equalTo("https://livetoken.dev/problems/quota-exceeded"));

        // a tenant-admin may simulate only its own tenant
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.tenantAdmin("elsewhere"))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/admin/v1/simulate")
                .then()
                .statusCode(403);
    }

    @Test
    void unknownTenantIsRefusedWhenNoDefaultPolicyExists() {
        String tenant = Admin.newTenant("stranger");
        String etag = Admin.policyEtag("default");
        String defaultPolicy = given().header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/default/policy")
                .then()
                .extract()
                .asString();
        mint(TestJwts.bearer("alice", tenant), 201);
        given().header("Authorization", Admin.PLATFORM)
                .header("If-Match", etag)
                .when()
                .delete("/admin/v1/tenants/default/policy")
                .then()
                .statusCode(204);
        try {
            Mints.post(TestJwts.bearer("alice", tenant))
                    .statusCode(403)
                    .body("type", equalTo("https://livetoken.dev/problems/unknown-tenant"));
        } finally {
            given().header("Authorization", Admin.PLATFORM)
                    .contentType("application/json")
                    .body(defaultPolicy)
                    .when()
                    .put("/admin/v1/tenants/default/policy")
                    .then()
                    .statusCode(201);
        }
        mint(TestJwts.bearer("alice", tenant), 201);
    }
}
