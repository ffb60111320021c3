package dev.livetoken.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

/** The emulated {@code auth_tokens} endpoint follows docs/live-api-protocol.md §1. */
@QuarkusTest
class AuthTokensEmulatorTest {

    static final String KEY = "emulator-dev-key";

    @Inject
    EmulatorTokenStore store;

    private static String mint(String body) {
        return given().header("x-goog-api-key", KEY)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1alpha/auth_tokens")
                .then()
                .statusCode(200)
                .body("name", matchesPattern("auth_tokens/[A-Za-z0-9_-]{20,}"))
                .extract()
                .path("name");
    }

    @Test
    void emptyBodyGetsGoogleDefaults() {
        Instant before = Instant.now();
        EmulatedToken t = store.find(mint("{}")).orElseThrow();
        assertThat(t.uses()).isEqualTo(1);
        assertThat(Duration.between(before, t.expireTime())).isBetween(Duration.ofMinutes(29), Duration.ofMinutes(31));
        assertThat(Duration.between(before, t.newSessionExpireTime()))
                .isBetween(Duration.ofSeconds(55), Duration.ofSeconds(65));
        assertThat(t.setup()).isNull();
        assertThat(t.fieldMask()).isNull();
    }

    @Test
    void remembersConstraintsMaskAndUses() {
        Instant exp = Instant.now().plus(Duration.ofHours(1));
        String name = mint("{\"expireTime\":\"" + exp + "\",\"uses\":3,"
                + "\"bidiGenerateContentSetup\":{\"model\":\"gemini-3.5-live-translate-preview\","
                + "\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],\"translation_config\":{\"target_language_code\":\"es\"}}},"
                + "\"fieldMask\":\"model,generation_config.translation_config,tools\"}");
        EmulatedToken t = store.find(name).orElseThrow();
        assertThat(t.uses()).isEqualTo(3);
        assertThat(t.expireTime()).isEqualTo(exp);
        assertThat(t.setup().at("/model").asText()).isEqualTo("models/gemini-3.5-live-translate-preview");
        assertThat(t.setup()
                        .at("/generationConfig/translationConfig/targetLanguageCode")
                        .asText())
                .isEqualTo("es");
        assertThat(t.fieldMask()).containsExactly("model", "generationConfig.translationConfig", "tools");
    }

    @Test
    void acceptsPythonStyleOffsetsAndV1beta() {
        String body = "{\"expireTime\":\""
                + Instant.now()
                        .plusSeconds(600)
                        .atOffset(java.time.ZoneOffset.UTC)
                        .toString()
                        .replace("Z", "+00:00") + "\"}";
        given().header("x-goog-api-key", KEY)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1beta/auth_tokens")
                .then()
                .statusCode(200);
    }

    @Test
    void keyInQueryParameterWorks() {
        given().contentType("application/json")
                .body("{}")
                .when()
                .post("/v1alpha/auth_tokens?key=" + KEY)
                .then()
                .statusCode(200);
    }

    @Test
    void twentyHoursAheadIsInvalidArgument() {
        String far = Instant.now().plus(Duration.ofHours(20)).plusSeconds(5).toString();
        for (String field : List.of("expireTime", "newSessionExpireTime")) {
            given().header("x-goog-api-key", KEY)
                    .contentType("application/json")
                    .body("{\"" + field + "\":\"" + far + "\"}")
                    .when()
                    .post("/v1alpha/auth_tokens")
                    .then()
                    .statusCode(400)
                    .body("error.code", equalTo(400))
                    .body("error.status", equalTo("INVALID_ARGUMENT"))
                    .body("error.message", containsString("20 hours"));
        }
    }

    @Test
    void badKeyIsGooglesApiKeyInvalid() {
        given().header("x-goog-api-key", "wrong")
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1alpha/auth_tokens")
                .then()
                .statusCode(400)
                .body("error.status", equalTo("INVALID_ARGUMENT"))
                .body("error.details[0].reason", equalTo("API_KEY_INVALID"));
    }

    @Test
    void missingKeyIsPermissionDenied() {
        given().contentType("application/json")
                .body("{}")
                .when()
                .post("/v1alpha/auth_tokens")
                .then()
                .statusCode(403)
                .body("error.status", equalTo("PERMISSION_DENIED"));
    }

    @Test
    void unknownFieldsAndBadValuesAreInvalidArgument() {
        for (String body : List.of(
                "{\"setup\":{}}",
                "{\"uses\":-1}",
                "{\"uses\":\"many\"}",
                "{\"expireTime\":\"tomorrow\"}",
                "{\"fieldMask\":\"notAField\"}",
                "{\"bidiGenerateContentSetup\":{\"generationConfig\":{\"inputAudioTranscription\":{}}}}",
                "{\"bidiGenerateContentSetup\":{\"generationConfig\":{\"translationConfig\":{}}}}",
                "{not json")) {
            given().header("x-goog-api-key", KEY)
                    .contentType("application/json")
                    .body(body)
                    .when()
                    .post("/v1alpha/auth_tokens")
                    .then()
                    .statusCode(400)
                    .body("error.status", equalTo("INVALID_ARGUMENT"));
        }
    }

    @Test
    void pastExpireTimeAndNewSessionAfterExpiryAreInvalidArgument() {
        Instant now = Instant.now();
        String past = "{\"expireTime\":\"" + now.minusSeconds(5) + "\"}";
        String inverted = "{\"expireTime\":\"" + now.plusSeconds(60) + "\",\"newSessionExpireTime\":\""
                + now.plusSeconds(120) + "\"}";
        for (String body : List.of(past, inverted)) {
            given().header("x-goog-api-key", KEY)
                    .contentType("application/json")
                    .body(body)
                    .when()
                    .post("/v1alpha/auth_tokens")
                    .then()
                    .statusCode(400)
                    .body("error.status", equalTo("INVALID_ARGUMENT"));
        }
        // the 60 s default window never outlives a shorter token
        EmulatedToken t = store.find(mint("{\"expireTime\":\"" + now.plusSeconds(30) + "\"}"))
                .orElseThrow();
        assertThat(t.newSessionExpireTime()).isEqualTo(t.expireTime());
    }

    @Test
    void zeroUsesMeansUnlimited() {
        EmulatedToken t = store.find(mint("{\"uses\":0}")).orElseThrow();
        for (int i = 0; i < 5; i++) {
            assertThat(t.trySpendUse()).isTrue();
        }
    }

    @Test
    void usesAreSpentOnlyUpToTheLimit() {
        EmulatedToken t = store.find(mint("{\"uses\":2}")).orElseThrow();
        assertThat(t.trySpendUse()).isTrue();
        assertThat(t.trySpendUse()).isTrue();
        assertThat(t.trySpendUse()).isFalse();
        assertThat(t.usesLeft()).isZero();
    }
}
