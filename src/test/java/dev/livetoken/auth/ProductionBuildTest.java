package dev.livetoken.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.livetoken.support.TestJwts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Boots the application as the production build: the dev JWT endpoint and the emulator must not
 * exist, and a JWT signed by the dev key must not be trusted.
 */
@QuarkusTest
@TestProfile(ProductionBuildTest.Prod.class)
class ProductionBuildTest {

    /** The prod profile, with a JWT key of its own (not the dev key) as an operator would set. */
    public static class Prod implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "prod";
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.jwt.verify.issuer", "https://login.example.com",
                    "mp.jwt.verify.publickey.location", "prod-test/jwt-public.pem",
                    "quarkus.http.test-port", "0",
                    "livetoken.upstream.base-url", "http://127.0.0.1:9",
                    "livetoken.audit.hmac-key", "prod-test-audit-hmac-key-0123456789abcdef",
                    "quarkus.datasource.\"embedded\".jdbc.url", "jdbc:h2:mem:prodtest;DB_CLOSE_DELAY=-1");
        }
    }

    @Test
    void notReadyWithoutAGeminiApiKey() {
        given().when().get("/q/health/ready")
                .then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'gemini-api-key' }.status", equalTo("DOWN"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void browsersFromAnyOriginAreRefusedUntilOriginsAreConfigured() {
        given().header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .when().options("/v1/tokens")
                .then().header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue())
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/origin-not-allowed"));
    }

    @Test
    void devJwtEndpointDoesNotExistInProduction() {
        given().contentType("application/json").body("{\"subject\":\"a\",\"tenant\":\"t\"}")
                .when().post("/dev/v1/jwt")
                .then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void emulatorIsOffInProduction() {
        given().contentType("application/json").header("x-goog-api-key", "emulator-dev-key").body("{}")
                .when().post("/v1alpha/auth_tokens")
                .then().statusCode(404);
    }

    @Test
    void devSignedJwtIsNotTrustedInProduction() {
        given().header("Authorization", "Bearer " + TestJwts.user("alice", "acme")
                        .claim("iss", "https://login.example.com").sign())
                .when().get("/v1/languages")
                .then().statusCode(401)
                .body("type", equalTo("https://livetoken.dev/problems/authentication-required"));
    }
}
