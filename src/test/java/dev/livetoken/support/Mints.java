package dev.livetoken.support;

import io.restassured.response.ValidatableResponse;

import static io.restassured.RestAssured.given;

/** {@code POST /v1/tokens} as tests call it: validated against openapi.yaml. */
public final class Mints {

    private Mints() {}

    /** Mints with an empty body (the policy's defaults) and expects {@code status}. */
    public static void mint(String bearer, int status) {
        post(bearer).statusCode(status);
    }

    /** Mints with an empty body (the policy's defaults); the caller checks the answer. */
    public static ValidatableResponse post(String bearer) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .when()
                .post("/v1/tokens")
                .then();
    }

    /** Mints with a JSON request body; the caller checks the answer. */
    public static ValidatableResponse post(String bearer, String body) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/tokens")
                .then();
    }
}
