package dev.livetoken.auth;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * Subjects that render like another user or cannot be named in a block URL are refused wherever a
 * user id enters: the JWT (401), {@code onBehalfOf} (400 naming it), a block target (400).
 */
@QuarkusTest
class LookAlikeSubjectsTest {

    @ParameterizedTest
    @ValueSource(strings = {"alice\u202Eecila", "ali\u200Bce", "alice\u2028x", "\uFEFFalice", ".", ".."})
    void jwtSubjectIsRefused(String subject) {
        given().filter(Contract.RESPONSE_ONLY)
                .header(
                        "Authorization",
                        "Bearer " + TestJwts.user(subject, "acme").sign())
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(401)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/authentication-required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice\\u202Eecila", "ali\\u200Bce", "alice\\u2028x", "\\uFEFFalice", ".", ".."})
    void onBehalfOfIsRefusedNamingTheField(String jsonEscaped) {
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("backend", "acme", "token-broker"))
                .contentType("application/json")
                .body("{\"onBehalfOf\":\"" + jsonEscaped + "\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("onBehalfOf"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice\u202Eecila", "ali\u200Bce", "\uFEFFalice"})
    void blockTargetIsRefused(String subject) {
        String tenant = Admin.newTenant("lookalike");
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"reason\":\"test\"}")
                .urlEncodingEnabled(false)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/"
                        + URLEncoder.encode(subject, StandardCharsets.UTF_8))
                .then()
                .statusCode(400)
                .body("field", equalTo("subject"));
    }
}
