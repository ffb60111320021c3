package dev.livetoken.admin;

import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /admin/v1/simulate/conversations} explains conversation decisions (docs/conversations.md). */
@QuarkusTest
@Tag("store")
class ConversationSimulateTest {

    static ExtractableResponse<Response> simulate(String tenant, String request) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"claims\":{\"subject\":\"alice\",\"tenant\":\"" + tenant + "\"},\"request\":" + request + "}")
                .when()
                .post("/admin/v1/simulate/conversations")
                .then()
                .statusCode(200)
                .extract();
    }

    @Test
    void pairUnderAnUnlockedPolicyIsExplainedAsLockedWithEchoOff() {
        String tenant = Admin.newTenant("simpair");
        Admin.createPolicy(tenant, "{\"lockMode\":\"UNLOCKED\"}");
        var r = simulate(tenant, "{\"languages\":[\"en\",\"ja\"]}");
        assertThat(r.<Boolean>path("allowed")).isTrue();
        assertThat(r.<String>path("mode")).isEqualTo("pair");
        assertThat(r.<List<String>>path("tokens.translationConfig.targetLanguageCode"))
                .containsExactly("ja", "en");
        assertThat(r.<List<Boolean>>path("tokens.locked")).containsExactly(true, true);
        assertThat(r.<String>path("tokens[0].fieldMask")).contains("generationConfig.translationConfig");
        assertThat(r.<List<String>>path("tokens[0].decisions.rule"))
                .anyMatch(rule -> rule.contains("locked although policy.lockMode is UNLOCKED"))
                .anyMatch(rule -> rule.startsWith("pair mode: a session stays quiet"));
        // nothing was minted or spent
        assertThat(given().header("Authorization", Admin.PLATFORM)
                        .queryParam("subject", "alice")
                        .when()
                        .get("/admin/v1/tenants/" + tenant + "/usage")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("limits.find { it.scope == 'user-quota' }.used")
                        .toString())
                .isEqualTo("0");
    }

    @Test
    void interpreterShowsTheInstructionAndWhichTemplateMadeIt() {
        String tenant = Admin.newTenant("siminterp");
        Admin.createPolicy(tenant, "{\"interpreterEnabled\":true}");
        var r = simulate(tenant, "{\"languages\":[\"fr\",\"de\"],\"mode\":\"interpreter\"}");
        assertThat(r.<Boolean>path("allowed")).isTrue();
        assertThat(r.<String>path("tokens[0].model")).isEqualTo("gemini-3.1-flash-live-preview");
        assertThat(r.<String>path("tokens[0].systemInstruction"))
                .contains("Interpret French into German and German into French");
        assertThat(r.<String>path("tokens[0].fieldMask")).endsWith(",tools");
        assertThat(r.<List<String>>path("tokens[0].decisions.rule"))
                .anyMatch(rule ->
                        rule.startsWith("the platform's template (livetoken.platform.interpreter.default-template)"));
    }

    @Test
    void aQuotaWithRoomForOneTokenIsExplainedAsAllOrNothing() {
        String tenant = Admin.newTenant("simquota");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":1}");
        var r = simulate(tenant, "{\"languages\":[\"en\",\"ja\"]}");
        assertThat(r.<Boolean>path("allowed")).isFalse();
        assertThat(r.<String>path("problem.type")).isEqualTo("https://livetoken.dev/problems/quota-exceeded");
        assertThat(r.<String>path("problem.detail")).contains("needs 2 (all or nothing)");
    }

    @Test
    void refusalsNameTheirField() {
        String tenant = Admin.newTenant("simrefuse");
        Admin.createPolicy(tenant, "{\"allowedTargetLanguages\":[\"en\"]}");
        var r = simulate(tenant, "{\"languages\":[\"en\",\"ja\"],\"mode\":\"interpreter\"}");
        assertThat(r.<Boolean>path("allowed")).isFalse();
        assertThat(r.<String>path("problem.field")).isEqualTo("languages[1]");
    }
}
