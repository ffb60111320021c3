package dev.livetoken.admin;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin listings read their query the same way ({@link PageQuery}): the same bad parameter is
 * the same 400 problem on the audit trail, reported sessions and translations, naming it.
 */
@QuarkusTest
@Tag("store")
class PagedListingsTest {

    static JsonPath problem(String tenant, String listing, String name, String value) {
        return given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .queryParam(name, value)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/" + listing)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .extract()
                .jsonPath();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "limit|abc",
                "limit|0",
                "limit|501",
                "from|yesterday",
                "from|+10000-01-01T00:00:00Z",
                "to|-999999999-01-01T00:00:00Z",
                "subject|ali\u200Bce",
                "cursor|not base64 at all!"
            })
    void aBadParameterIsTheSameProblemOnBothListings(String name, String value) {
        String tenant = Admin.newTenant("pages");
        JsonPath tokens = problem(tenant, "tokens", name, value);
        JsonPath sessions = problem(tenant, "sessions", name, value);
        assertThat(tokens.getString("field")).isEqualTo(name);
        assertThat(tokens.getString("type")).isEqualTo("https://livetoken.dev/problems/invalid-request");
        assertThat(sessions.getString("type")).isEqualTo(tokens.getString("type"));
        assertThat(sessions.getString("field")).isEqualTo(tokens.getString("field"));
        assertThat(sessions.getString("detail")).isEqualTo(tokens.getString("detail"));
    }

    /** The translations listing pages by {@code limit} alone; a bad one was a 404 (JAX-RS could not convert it). */
    @ParameterizedTest(name = "limit={0}")
    @CsvSource({"abc", "1.5", "0", "501"})
    void theTranslationsListingAnswersABadLimitAsTheOthersDo(String limit) {
        String tenant = Admin.newTenant("pages");
        JsonPath tokens = problem(tenant, "tokens", "limit", limit);
        JsonPath translations = problem(tenant, "translations", "limit", limit);
        assertThat(translations.getString("field")).isEqualTo("limit");
        assertThat(translations.getString("detail")).isEqualTo(tokens.getString("detail"));
    }

    /**
     * The usage endpoint takes {@code subject} too: one no caller could have (a zero-width space,
     * {@code *}, a blank) is the listings' 400 naming it, not a 200 with that name's empty counters.
     */
    @ParameterizedTest(name = "subject={0}")
    @CsvSource(
            delimiter = '|',
            value = {"ali\u200Bce", "*", "' '"})
    void theUsageEndpointAnswersABadSubjectAsTheListingsDo(String subject) {
        String tenant = Admin.newTenant("pages");
        JsonPath tokens = problem(tenant, "tokens", "subject", subject);
        JsonPath usage = problem(tenant, "usage", "subject", subject);
        assertThat(usage.getString("field")).isEqualTo("subject");
        assertThat(usage.getString("type")).isEqualTo(tokens.getString("type"));
        assertThat(usage.getString("detail")).isEqualTo(tokens.getString("detail"));
    }

    @org.junit.jupiter.api.Test
    void theUsageEndpointStillAnswersAnAcceptableSubject() {
        String tenant = Admin.newTenant("pages");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("subject", "alice@example.com")
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200);
    }
}
