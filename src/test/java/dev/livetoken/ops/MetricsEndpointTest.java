package dev.livetoken.ops;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code /q/metrics} serves Prometheus text, and the mint path feeds our own meters. */
@QuarkusTest
class MetricsEndpointTest {

    static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** Mint outcomes are counted when the answer is complete, which may be just after the client read it. */
    static void hasSample(String sample, double value) throws InterruptedException {
        Pattern p = Pattern.compile("(?m)^" + Pattern.quote(sample) + " " + Pattern.quote(String.valueOf(value)) + "$");
        String text = scrape();
        for (int i = 0; i < 100 && !p.matcher(text).find(); i++) {
            Thread.sleep(20);
            text = scrape();
        }
        assertThat(p.matcher(text).find())
                .as(
                        "%s %s in%n%s",
                        sample,
                        value,
                        text.lines().filter(l -> l.startsWith("livetoken_")).toList())
                .isTrue();
    }

    @Test
    void mintsAndRefusalsAreCountedByTenantOutcomeAndLockMode() throws InterruptedException {
        String bearer = TestJwts.bearer("mira", "metrics-probe");
        given().header("Authorization", bearer)
                .contentType("application/json")
                .body("{\"targetLanguageCode\":\"es\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);
        given().header("Authorization", bearer)
                .contentType("application/json")
                .body("{\"targetLanguageCode\":\"xx\"}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(400);

        hasSample("livetoken_mints_total{lock_mode=\"locked\",outcome=\"minted\",tenant=\"metrics-probe\"}", 1.0);
        hasSample(
                "livetoken_mints_total{lock_mode=\"none\",outcome=\"unknown-language\",tenant=\"metrics-probe\"}", 1.0);
    }

    @Test
    void upstreamLatencyIsAHistogramAndAuditFailuresAreExported() {
        given().header("Authorization", TestJwts.bearer("mira", "metrics-probe-2"))
                .contentType("application/json")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);
        given().header("Authorization", TestJwts.bearer("mira", "metrics-probe-2"))
                .contentType("application/json")
                .body("{}")
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);
        String text = scrape();
        assertThat(text)
                .containsPattern("(?m)^livetoken_upstream_seconds_bucket\\{result=\"ok\",le=\"[^\"]+\"\\} [1-9]");
        assertThat(text).containsPattern("(?m)^livetoken_upstream_seconds_count\\{result=\"ok\"\\} [1-9]");
        assertThat(text).containsPattern("(?m)^livetoken_audit_failures_total ");
        // the policy cache: the tenant's first lookup misses, later ones hit
        assertThat(text).containsPattern("(?m)^cache_gets_total\\{cache=\"policy\",result=\"hit\"\\} [1-9]");
        assertThat(text).containsPattern("(?m)^cache_gets_total\\{cache=\"policy\",result=\"miss\"\\} [1-9]");
        // Probes must not become request-metric series.
        assertThat(text).doesNotContain("uri=\"/q/health");
    }
}
