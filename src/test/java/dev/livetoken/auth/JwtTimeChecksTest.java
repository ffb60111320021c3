package dev.livetoken.auth;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code iat} in the future beyond the 30 s skew, and a JWT valid for longer than
 * {@code livetoken.auth.jwt-max-age} (24 h by default), are refused with 401.
 */
@QuarkusTest
class JwtTimeChecksTest {

    static final long DAY = 24 * 3600;

    static int mintWith(long iat, long exp) {
        return given().filter(Contract.RESPONSE_ONLY)
                .header(
                        "Authorization",
                        "Bearer "
                                + TestJwts.user("alice", "acme")
                                        .claim("iat", iat)
                                        .claim("exp", exp)
                                        .sign())
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .extract()
                .statusCode();
    }

    static void refused(long iat, long exp) {
        given().filter(Contract.RESPONSE_ONLY)
                .header(
                        "Authorization",
                        "Bearer "
                                + TestJwts.user("alice", "acme")
                                        .claim("iat", iat)
                                        .claim("exp", exp)
                                        .sign())
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("https://livetoken.dev/problems/authentication-required"));
    }

    @Test
    void iatAYearAheadIsRefused() {
        long now = Instant.now().getEpochSecond();
        refused(now + 365 * DAY, now + 365 * DAY + 600);
    }

    @Test
    void iatJustBeyondTheSkewIsRefusedButWithinIsAccepted() {
        long now = Instant.now().getEpochSecond();
        refused(now + 120, now + 600);
        org.assertj.core.api.Assertions.assertThat(mintWith(now + 10, now + 600))
                .isEqualTo(201);
    }

    @Test
    void expInTheYear33658IsRefused() {
        long now = Instant.now().getEpochSecond();
        refused(now, 1_000_000_000_000L);
    }

    @Test
    void lifetimeIsBoundedByTheMaxAge() {
        long now = Instant.now().getEpochSecond();
        refused(now - 60, now - 60 + DAY + 1);
        org.assertj.core.api.Assertions.assertThat(mintWith(now - 60, now - 60 + DAY))
                .isEqualTo(201);
    }
}
