package dev.livetoken.admin;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Every bad query parameter of the audit listing is a 400 problem naming it, never a 404 or 500. */
@QuarkusTest
@Tag("store")
class AuditQueryValidationTest {

    static String cursor(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "limit|abc",
                "limit|1.5",
                "limit|0",
                "limit|501",
                "limit|99999999999999",
                "from|+999999999-12-31T23:59:59Z",
                "from|-999999999-01-01T00:00:00Z",
                "to|+10000-01-01T00:00:00Z",
                "to|yesterday",
                "subject|ali\u200Bce",
                "cursor|not base64 at all!",
                "cursor|CURSOR:9223372036854775807:0:1",
                "cursor|CURSOR:-9223372036854775808:0:1",
                "cursor|CURSOR:31556889864403199:0:1",
                "cursor|CURSOR:1700000000:-1:1",
                "cursor|CURSOR:1700000000:2000000000:1",
                "cursor|CURSOR:1700000000:0:x",
                "cursor|CURSOR:1:2"
            })
    void badParameterIs400NamingIt(String name, String value) {
        String v = value.startsWith("CURSOR:") ? cursor(value.substring("CURSOR:".length())) : value;
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .queryParam(name, v)
                .when()
                .get("/admin/v1/tenants/" + Admin.newTenant("auditq") + "/tokens")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/invalid-request"))
                .body("field", equalTo(name));
    }
}
