package dev.livetoken.ops;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every answer, success or problem, API or /q/*, carries the hardening headers. */
@QuarkusTest
class SecurityHeadersTest {

    static void hardened(Response r) {
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(r.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(r.header("Strict-Transport-Security")).isEqualTo("max-age=31536000");
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void mintAnswerIsHardenedAndNotCacheable() {
        Response r = given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens");
        assertThat(r.statusCode()).isEqualTo(201);
        hardened(r);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void problemAnswersAreHardened() {
        Response unauthenticated = given().when().post("/v1/tokens");
        assertThat(unauthenticated.statusCode()).isEqualTo(401);
        hardened(unauthenticated);
        assertThat(unauthenticated.header("Cache-Control")).isEqualTo("no-store");

        // Answered by the edge filter, before any resource runs.
        Response tooLarge = given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .contentType("application/json")
                .body("{\"x\":\"" + "a".repeat(20_000) + "\"}")
                .when()
                .post("/v1/tokens");
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        hardened(tooLarge);
    }

    @Test
    void otherApiAnswersAreNotCacheable() {
        Response r = given().header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/languages");
        assertThat(r.statusCode()).isEqualTo(200);
        hardened(r);
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void managementEndpointsAreHardened() {
        Response health = given().when().get("/q/health/ready");
        hardened(health);
        Response metrics = given().when().get("/q/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        hardened(metrics);
    }
}
