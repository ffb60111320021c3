package dev.livetoken.support;

import static io.restassured.RestAssured.given;

/** {@code POST /v1/tokens} as tests call it: validated against openapi.yaml, status checked. */
public final class Mints {

    private Mints() {}

    /** Mints with an empty body (the policy's defaults) and expects {@code status}. */
    public static void mint(String bearer, int status) {
        given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(status);
    }
}
