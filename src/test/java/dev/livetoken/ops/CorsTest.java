package dev.livetoken.ops;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Browsers may call the API only from the configured origins (the test profile allows
 * {@value #ALLOWED}); native apps send no Origin and are not affected.
 */
@QuarkusTest
class CorsTest {

    static final String ALLOWED = "https://app.cors-test.example";

    @Test
    void allowedOriginPreflightPassesWithAuthorization() {
        Response r = given().header("Origin", ALLOWED)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .when()
                .options("/v1/tokens");
        assertThat(r.statusCode()).isBetween(200, 204);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(r.header("Access-Control-Allow-Methods")).contains("POST");
        assertThat(r.header("Access-Control-Allow-Headers").toLowerCase()).contains("authorization", "content-type");
    }

    @Test
    void allowedOriginCanReadTheRequestIdOfAMint() {
        Response r = given().header("Origin", ALLOWED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ALLOWED);
        assertThat(r.header("Access-Control-Expose-Headers")).contains("X-Request-Id");
    }

    @Test
    void foreignOriginGetsNoAllowOrigin() {
        Response preflight = given().header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization")
                .when()
                .options("/v1/tokens");
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        Response actual = given().header("Origin", "https://evil.example")
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens");
        assertThat(actual.header("Access-Control-Allow-Origin")).isNull();
        assertThat(actual.statusCode()).isNotEqualTo(201);
    }

    @Test
    void requestWithoutOriginIsUnaffected() {
        Response r = given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    }
}
