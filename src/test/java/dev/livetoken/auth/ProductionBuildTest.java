package dev.livetoken.auth;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.ProductionProfile;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * Boots the application as the production build: the dev JWT endpoint and the emulator must not
 * exist, and a JWT signed by the dev key must not be trusted.
 */
@QuarkusTest
@TestProfile(ProductionProfile.class)
class ProductionBuildTest {

    @Test
    void readyOnceEveryRequiredSettingIsGiven() {
        // Without a Gemini key (or any other required setting) it does not start at all: ProductionStartupIT.
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'gemini-api-key' }.status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void browsersFromAnyOriginAreRefusedUntilOriginsAreConfigured() {
        given().header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .when()
                .options("/v1/tokens")
                .then()
                .header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue())
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/origin-not-allowed"));
    }

    @Test
    void devJwtEndpointDoesNotExistInProduction() {
        given().contentType("application/json")
                .body("{\"subject\":\"a\",\"tenant\":\"t\"}")
                .when()
                .post("/dev/v1/jwt")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void emulatorIsOffInProduction() {
        given().contentType("application/json")
                .header("x-goog-api-key", "emulator-dev-key")
                .body("{}")
                .when()
                .post("/v1alpha/auth_tokens")
                .then()
                .statusCode(404);
    }

    @Test
    void demoPageIsOffInProductionUnlessEnabled() {
        for (String path : new String[] {"/demo", "/demo/", "/demo/index.html", "/demo/app.js", "/demo/config.json"}) {
            given().redirects()
                    .follow(false)
                    .when()
                    .get(path)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json")
                    .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        }
    }

    @Test
    void devSignedJwtIsNotTrustedInProduction() {
        given().header(
                        "Authorization",
                        "Bearer "
                                + TestJwts.user("alice", "acme")
                                        .claim("iss", "https://login.example.com")
                                        .sign())
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(401)
                .body("type", equalTo("https://livetoken.dev/problems/authentication-required"));
    }
}
