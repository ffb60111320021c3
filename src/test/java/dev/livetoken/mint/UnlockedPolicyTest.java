package dev.livetoken.mint;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** A tenant with an UNLOCKED policy gets tokens without translationConfig, locking only what they set. */
@QuarkusTest
@Tag("store")
class UnlockedPolicyTest {

    @Inject
    EmulatorTokenStore emulator;

    String tenant;
    String bearer;

    @BeforeEach
    void tenantWithUnlockedPolicy() {
        tenant = Admin.newTenant("unlocked");
        Admin.createPolicy(
                tenant,
                "{\"lockMode\":\"UNLOCKED\",\"allowedTargetLanguages\":[\"fr\",\"de\"],"
                        + "\"defaultTargetLanguage\":\"fr\",\"echoOverridable\":false}");
        bearer = TestJwts.bearer("alice", tenant);
    }

    @Test
    void unlockedTokenCarriesNoTranslationConfig() {
        String token = Mints.post(bearer)
                .statusCode(201)
                .body("locked", equalTo(false))
                .body("translationConfig", nullValue())
                .extract()
                .path("token");
        var t = emulator.find(token).orElseThrow();
        assertThat(t.setup().at("/generationConfig/translationConfig").isMissingNode())
                .isTrue();
        assertThat(t.fieldMask())
                .containsExactly(
                        "model",
                        "generationConfig.responseModalities",
                        "inputAudioTranscription",
                        "outputAudioTranscription",
                        "tools",
                        "systemInstruction");
    }

    @Test
    void languagesAreFilteredByPolicy() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(200)
                .body("languages.code", org.hamcrest.Matchers.contains("de", "fr"))
                .body("lockMode", equalTo("UNLOCKED"));
    }

    @Test
    void disallowedLanguageIs403() {
        Mints.post(bearer, "{\"targetLanguageCode\":\"es\"}")
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/language-not-allowed"))
                .body("suggestions", org.hamcrest.Matchers.contains("de", "fr"));
    }

    @Test
    void fixedEchoCannotBeOverridden() {
        Mints.post(bearer, "{\"echoTargetLanguage\":true}")
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/policy-forbids"));
    }
}
