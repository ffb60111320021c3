package dev.livetoken.mint;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;

import dev.livetoken.emulator.EmulatedToken;
import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/** {@code POST /v1/tokens} against the emulator, every exchange validated against openapi.yaml. */
@QuarkusTest
@Tag("store")
class TokenRouteTest {

    @Inject
    EmulatorTokenStore emulator;

    static ExtractableResponse<Response> mint(String body) {
        return Mints.post(TestJwts.bearer("alice", "acme"), body)
                .statusCode(201)
                .header("Cache-Control", "no-store")
                .contentType("application/json")
                .extract();
    }

    @Test
    void lockedMintBakesTheLanguageIntoTheUpstreamToken() {
        var r = mint("{\"targetLanguageCode\":\"es\",\"echoTargetLanguage\":true,\"uses\":2}");
        assertThat(r.<String>path("token")).startsWith("auth_tokens/");
        assertThat(r.<Boolean>path("locked")).isTrue();
        assertThat(r.<String>path("translationConfig.targetLanguageCode")).isEqualTo("es");
        assertThat(r.<String>path("apiVersion")).isEqualTo("v1alpha");
        assertThat(r.<String>path("model")).isEqualTo("models/gemini-3.5-live-translate-preview");
        assertThat(r.<String>path("websocketUrl"))
                .startsWith("ws://localhost:")
                .endsWith("/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained");
        Instant server = Instant.parse(r.path("serverTime"));
        Instant expire = Instant.parse(r.path("expireTime"));
        assertThat(Duration.between(server, expire).toSeconds())
                .isEqualTo(r.<Integer>path("expiresInSeconds").longValue());
        assertThat(r.<Integer>path("expiresInSeconds")).isEqualTo(1800);

        // What the emulator (standing in for Google) was asked for:
        EmulatedToken t = emulator.find(r.path("token")).orElseThrow();
        assertThat(t.uses()).isEqualTo(2);
        assertThat(t.expireTime()).isEqualTo(expire);
        assertThat(t.newSessionExpireTime()).isEqualTo(Instant.parse(r.path("newSessionExpireTime")));
        assertThat(t.setup()
                        .at("/generationConfig/translationConfig/targetLanguageCode")
                        .asText())
                .isEqualTo("es");
        assertThat(t.setup()
                        .at("/generationConfig/translationConfig/echoTargetLanguage")
                        .asBoolean())
                .isTrue();
        assertThat(t.setup().at("/generationConfig/responseModalities/0").asText())
                .isEqualTo("AUDIO");
        assertThat(t.fieldMask())
                .containsExactly(
                        "model",
                        "generationConfig.responseModalities",
                        "generationConfig.translationConfig",
                        "inputAudioTranscription",
                        "outputAudioTranscription",
                        "tools",
                        "systemInstruction");
    }

    @Test
    void emptyBodyMintsWithPolicyDefaults() {
        Mints.post(TestJwts.bearer("alice", "acme"))
                .statusCode(201)
                .body("translationConfig.targetLanguageCode", equalTo("en"))
                .body("uses", equalTo(1));
    }

    @Test
    void unknownLanguageIs400WithSuggestions() {
        Mints.post(TestJwts.bearer("alice", "acme"), "{\"targetLanguageCode\":\"pt\"}")
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/unknown-language"))
                .body("field", equalTo("targetLanguageCode"))
                .body("suggestions", hasItems("pt-BR", "pt-PT"));
    }

    @Test
    void usesAbovePolicyIs400NamingTheField() {
        Mints.post(TestJwts.bearer("alice", "acme"), "{\"uses\":11}")
                .statusCode(400)
                .body("field", equalTo("uses"));
    }

    @Test
    void unknownFieldIs400NamingIt() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{\"targetLanguage\":\"es\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .body("type", equalTo("https://livetoken.dev/problems/invalid-request"))
                .body("field", equalTo("targetLanguage"))
                .body("suggestions", hasItems("targetLanguageCode"));
    }

    @Test
    void wrongTypeIs400NamingTheField() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{\"uses\":\"two\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .body("field", equalTo("uses"));
    }

    @Test
    void malformedJsonIs400() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{\"uses\":")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/malformed-json"));
    }

    @Test
    void nonJsonBodyIs415() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("text/plain")
                .body("es please")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(415)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/unsupported-media-type"));
    }

    @Test
    void oversizedBodyIs413() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{\"onBehalfOf\":\"" + "x".repeat(20_000) + "\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(413)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/body-too-large"));
    }

    @Test
    void wrongMethodIs405() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/tokens")
                .then()
                .statusCode(405)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/method-not-allowed"));
    }

    /** The route negotiates as the JAX-RS resource did: 406 unless one Accept entry admits JSON. */
    @Test
    void anAcceptThatExcludesJsonIs406AndOneThatAdmitsItMints() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .header("Accept", "text/html")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(406)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/not-acceptable"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .header("Accept", "text/html, application/json;q=0.9")
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);
    }

    @Test
    void unknownPathIs404Problem() {
        given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/nothing-here")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/not-found"))
                .body("requestId", startsWith(""));
    }

    @Test
    void onBehalfOfNeedsTheBrokerRole() {
        Mints.post(TestJwts.bearer("alice", "acme"), "{\"onBehalfOf\":\"bob\"}")
                .statusCode(403)
                .body("field", equalTo("onBehalfOf"));
        Mints.post(TestJwts.bearer("backend", "acme", "token-broker"), "{\"onBehalfOf\":\"bob\"}")
                .statusCode(201);
    }

    @Test
    void problemCarriesTheRequestIdAndNoInternals() {
        var r = given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .header("X-Request-Id", "client-chosen-id-123")
                .contentType("application/json")
                .body("{\"targetLanguageCode\":\"xx\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .header("X-Request-Id", "client-chosen-id-123")
                .body("requestId", equalTo("client-chosen-id-123"))
                .body("instance", equalTo("/v1/tokens"))
                .extract()
                .asString();
        assertThat(r).doesNotContain("Exception").doesNotContain("at dev.").doesNotContain("livetoken.problem");
    }

    @Test
    void languagesListsTheSupportedSet() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(200)
                .body("languages.code", hasItems("es", "pt-BR", "zh-Hans"))
                .body("languages.size()", equalTo(79))
                .body("defaultTargetLanguageCode", equalTo("en"))
                .body("lockMode", equalTo("LOCKED"));
    }

    @Test
    void openapiIsServedFromTheContractFile() {
        given().when()
                .get("/q/openapi?format=json")
                .then()
                .statusCode(200)
                .body("paths.'/v1/tokens'.post.operationId", equalTo("mintToken"))
                .body("components.schemas.MintResponse.properties.translationConfig.nullable", equalTo(true));
    }
}
