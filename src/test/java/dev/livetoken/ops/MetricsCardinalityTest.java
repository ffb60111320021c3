package dev.livetoken.ops;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unauthenticated garbage paths cannot blind the request metrics: answers to paths no route
 * matches share one {@code uri} tag per kind, so Micrometer's URI tag limit is never reached by
 * them and {@code POST /v1/tokens} keeps its latency series.
 */
@QuarkusTest
class MetricsCardinalityTest {

    static final Pattern URI_TAG = Pattern.compile("(?m)^http_server_requests_seconds_count\\{[^}]*uri=\"([^\"]*)\"");

    @Test
    void garbagePathsShareOneTagAndTheMintSeriesSurvives() {
        String big = "{\"x\":\"" + "a".repeat(20_000) + "\"}";
        for (int i = 0; i < 50; i++) {
            given().when().get("/v1/garbage-get-" + i).then().statusCode(404);
            given().when().post("/garbage-post-" + i).then().statusCode(404);
            // 413 from the edge filter, before any route is matched
            given().contentType("application/json")
                    .body(big)
                    .when()
                    .post("/v1/garbage-big-" + i)
                    .then()
                    .statusCode(413);
            // a CORS refusal from a foreign origin
            given().header("Origin", "https://evil.example").when().get("/admin/v1/garbage-cors-" + i);
        }
        given().header("Authorization", TestJwts.bearer("mira", "cardinality"))
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);

        String text = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        Set<String> uris = new TreeSet<>();
        Matcher m = URI_TAG.matcher(text);
        while (m.find()) {
            uris.add(m.group(1));
        }
        assertThat(uris).as("uri tags").noneMatch(u -> u.contains("garbage"));
        assertThat(text)
                .containsPattern(
                        "(?m)^http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*uri=\"/v1/tokens\"[^}]*\\} [1-9]");
    }
}
