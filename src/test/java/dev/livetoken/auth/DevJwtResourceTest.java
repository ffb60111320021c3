package dev.livetoken.auth;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class DevJwtResourceTest {

    @Test
    void devJwtMintsATokenEndToEnd() {
        String jwt = given().filter(Contract.VALIDATED)
                .contentType("application/json")
                .body("{\"subject\":\"alice\",\"tenant\":\"acme\",\"groups\":[\"token-broker\"]}")
                .when()
                .post("/dev/v1/jwt")
                .then()
                .statusCode(200)
                .body("tokenType", equalTo("Bearer"))
                .extract()
                .path("jwt");

        Mints.post("Bearer " + jwt, "{\"targetLanguageCode\":\"es\"}")
                .statusCode(201)
                .body("token", startsWith("auth_tokens/"));
    }

    @Test
    void devJwtNeedsSubjectAndTenant() {
        given().filter(Contract.RESPONSE_ONLY)
                .contentType("application/json")
                .body("{\"subject\":\"alice\",\"tenant\":\"bad tenant!\"}")
                .when()
                .post("/dev/v1/jwt")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("tenant"));
    }
}
