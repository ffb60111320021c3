package dev.livetoken.problem;

import java.io.ByteArrayInputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * What used to be answered outside the API layer, bare: an over-long URI, oversized headers, a
 * chunked body past the limit, two Authorization headers, a refused browser origin. Each is now a
 * problem document with the security headers, and body quirks (trailing content, fractions for
 * whole numbers) are refused.
 */
@QuarkusTest
class EdgeProblemsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/v1/tokens")
    URL mint;

    static void hardenedProblem(
            int status,
            String slug,
            String contentType,
            String body,
            java.util.function.Function<String, String> header)
            throws Exception {
        assertThat(contentType).startsWith("application/problem+json");
        JsonNode p = JSON.readTree(body);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).isEqualTo("https://livetoken.dev/problems/" + slug);
        assertThat(p.get("requestId").asText()).isNotBlank();
        assertThat(header.apply("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(header.apply("X-Frame-Options")).isEqualTo("DENY");
        assertThat(header.apply("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(header.apply("Strict-Transport-Security")).startsWith("max-age=");
        assertThat(header.apply("X-Request-Id")).isNotBlank();
    }

    static void hardenedProblem(Response r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        hardenedProblem(status, slug, r.contentType(), r.asString(), r::header);
    }

    static void hardenedProblem(HttpResponse<String> r, int status, String slug) throws Exception {
        assertThat(r.statusCode()).isEqualTo(status);
        HttpHeaders h = r.headers();
        hardenedProblem(
                status,
                slug,
                h.firstValue("Content-Type").orElse(""),
                r.body(),
                name -> h.firstValue(name).orElse(null));
    }

    @Test
    void overLongUriIs414Problem() throws Exception {
        Response r = given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/languages?pad=" + "a".repeat(5000));
        hardenedProblem(r, 414, "uri-too-long");
    }

    @Test
    void oversizedHeadersAre431Problem() throws Exception {
        Response r = given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .header("X-Padding", "a".repeat(20_000))
                .when()
                .get("/v1/languages");
        hardenedProblem(r, 431, "headers-too-large");
    }

    @Test
    void chunkedBodyPastTheLimitIs413Problem() throws Exception {
        byte[] big = ("{\"onBehalfOf\":\"" + "x".repeat(40_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(mint.toURI())
                        .header("Authorization", TestJwts.bearer("alice", "acme"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        hardenedProblem(r, 413, "body-too-large");
    }

    /** The Vert.x routes read a body the edge filter has already buffered: a chunked one must not hang them. */
    @Test
    void chunkedBodyToTheTranslationRouteIsAnswered() throws Exception {
        byte[] small =
                "{\"targetLanguageCode\":\"xx-not-a-language\",\"text\":\"hi\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(mint.toURI().resolve("/v1/translations"))
                        .timeout(java.time.Duration.ofSeconds(10))
                        .header("Authorization", TestJwts.bearer("alice", "acme"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        // Read and judged: the language is refused by name, so the body reached the route.
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("targetLanguageCode");
    }

    @Test
    void chunkedBodyWithinTheLimitIsRead() throws Exception {
        byte[] small = "{\"targetLanguageCode\":\"fr\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(mint.toURI())
                        .header("Authorization", TestJwts.bearer("alice", "acme"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(small)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(JSON.readTree(r.body())
                        .at("/translationConfig/targetLanguageCode")
                        .asText())
                .isEqualTo("fr");
    }

    @Test
    void twoAuthorizationHeadersAre400NamingIt() throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(mint.toURI())
                        .header("Authorization", TestJwts.bearer("alice", "acme"))
                        .header("Authorization", TestJwts.bearer("mallory", "acme"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        hardenedProblem(r, 400, "invalid-request");
        assertThat(JSON.readTree(r.body()).get("field").asText()).isEqualTo("Authorization");
    }

    @Test
    void refusedOriginIs403Problem() throws Exception {
        Response r = given().header("Origin", "https://evil.example")
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/languages");
        hardenedProblem(r, 403, "origin-not-allowed");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"uses\":1} trailing", "{\"uses\":1}{}", "{\"uses\":1}]"})
    void contentAfterTheJsonValueIsRefused(String body) {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/malformed-json"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"uses\":1.5}", "{\"uses\":2.0}", "{\"lifetimeSeconds\":600.7}"})
    void fractionForAWholeNumberIsRefusedNamingTheField(String body) {
        String field = body.substring(2, body.indexOf('"', 2));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    @Test
    void fractionInAnAdminDocumentIsRefusedToo() {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", dev.livetoken.support.Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"userRatePerMinute\":2.5}")
                .when()
                .put("/admin/v1/tenants/" + dev.livetoken.support.Admin.newTenant("frac") + "/policy")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("userRatePerMinute"));
    }
}
