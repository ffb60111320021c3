package dev.livetoken.mint;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An UNLOCKED policy mints tokens without translationConfig, locking only what it sets. */
@QuarkusTest
@TestProfile(UnlockedPolicyTest.Unlocked.class)
class UnlockedPolicyTest {

    public static class Unlocked implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("livetoken.default-policy.lock-mode", "UNLOCKED",
                    "livetoken.default-policy.allowed-target-languages", "fr,de",
                    "livetoken.default-policy.default-target-language", "fr",
                    "livetoken.default-policy.echo-overridable", "false");
        }
    }

    @Inject
    EmulatorTokenStore emulator;

    @Test
    void unlockedTokenCarriesNoTranslationConfig() {
        String token = given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .when().post("/v1/tokens")
                .then().statusCode(201)
                .body("locked", equalTo(false))
                .body("translationConfig", nullValue())
                .extract().path("token");
        var t = emulator.find(token).orElseThrow();
        assertThat(t.setup().at("/generationConfig/translationConfig").isMissingNode()).isTrue();
        assertThat(t.fieldMask()).containsExactly("model", "generationConfig.responseModalities",
                "inputAudioTranscription", "outputAudioTranscription", "tools", "systemInstruction");
    }

    @Test
    void languagesAreFilteredByPolicy() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .when().get("/v1/languages")
                .then().statusCode(200)
                .body("languages.code", org.hamcrest.Matchers.contains("de", "fr"))
                .body("lockMode", equalTo("UNLOCKED"));
    }

    @Test
    void disallowedLanguageIs403() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json").body("{\"targetLanguageCode\":\"es\"}")
                .when().post("/v1/tokens")
                .then().statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/language-not-allowed"))
                .body("suggestions", org.hamcrest.Matchers.contains("de", "fr"));
    }

    @Test
    void fixedEchoCannotBeOverridden() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json").body("{\"echoTargetLanguage\":true}")
                .when().post("/v1/tokens")
                .then().statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/policy-forbids"));
    }
}
