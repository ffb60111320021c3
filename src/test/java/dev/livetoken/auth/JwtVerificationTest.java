package dev.livetoken.auth;

import java.time.Instant;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** Every way a JWT can be wrong ends in a 401 problem; a JWT without tenant in a 403. */
@QuarkusTest
class JwtVerificationTest {

    static Stream<Arguments> badTokens() {
        long now = Instant.now().getEpochSecond();
        String good = TestJwts.user("alice", "acme").sign();
        String[] parts = good.split("\\.");
        String tamperedPayload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                        .replace("alice", "mallory")
                        .getBytes());
        return Stream.of(
                Arguments.of(
                        "expired",
                        TestJwts.user("alice", "acme")
                                .claim("exp", now - 3600)
                                .claim("iat", now - 7200)
                                .sign()),
                Arguments.of(
                        "not yet valid",
                        TestJwts.user("alice", "acme").claim("nbf", now + 3600).sign()),
                Arguments.of("tampered", parts[0] + "." + tamperedPayload + "." + parts[2]),
                Arguments.of(
                        "wrong issuer",
                        TestJwts.user("alice", "acme")
                                .claim("iss", "https://evil.example")
                                .sign()),
                Arguments.of(
                        "wrong audience",
                        TestJwts.user("alice", "acme")
                                .claim("aud", "another-app")
                                .sign()),
                Arguments.of("alg none", TestJwts.user("alice", "acme").unsigned()),
                Arguments.of(
                        "HS256 keyed with the public key",
                        TestJwts.user("alice", "acme").hs256WithPublicKey()),
                Arguments.of("garbage", "not.a.jwt"),
                Arguments.of(
                        "no expiry",
                        TestJwts.user("alice", "acme").claim("exp", null).sign()),
                Arguments.of(
                        "subject too long for the audit trail",
                        TestJwts.user("a".repeat(256), "acme").sign()),
                Arguments.of(
                        "subject with control characters",
                        TestJwts.user("alice\nINFO forged log line", "acme").sign()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badJwtIsRefusedWith401Problem(String why, String jwt) {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", "Bearer " + jwt)
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("type", equalTo("https://livetoken.dev/problems/authentication-required"))
                .body("detail", not(containsString(jwt)));
    }

    @Test
    void missingJwtIsRefusedWith401Problem() {
        given().filter(Contract.RESPONSE_ONLY)
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("status", equalTo(401));
    }

    @Test
    void goodJwtIsAccepted() {
        given().filter(Contract.VALIDATED)
                .header("Authorization", TestJwts.bearer("alice", "acme"))
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(200);
    }

    @Test
    void jwtWithoutTenantIsForbidden() {
        given().filter(Contract.RESPONSE_ONLY)
                .header(
                        "Authorization",
                        "Bearer "
                                + TestJwts.user("alice", "acme")
                                        .claim("tenant", null)
                                        .sign())
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/tenant-claim-missing"));
    }

    @Test
    void jwtWithMalformedTenantIsForbidden() {
        given().filter(Contract.RESPONSE_ONLY)
                .header(
                        "Authorization",
                        "Bearer " + TestJwts.user("alice", "../etc").sign())
                .when()
                .get("/v1/languages")
                .then()
                .statusCode(403)
                .body("type", equalTo("https://livetoken.dev/problems/tenant-claim-missing"));
    }
}
