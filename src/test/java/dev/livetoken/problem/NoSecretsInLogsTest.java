package dev.livetoken.problem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.LogCapture;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With debug logging on for our code and the JWT stack, a run of successful mints, refused mints,
 * bad JWTs and an upstream failure leaves no API key, token or JWT in any log line, while every
 * mint gets its access line and the request id follows each request into its log lines.
 */
@QuarkusTest
@Tag("store")
@TestProfile(NoSecretsInLogsTest.Verbose.class)
class NoSecretsInLogsTest {

    static final String API_KEY = "distinctive-gemini-key-7f3a9c";

    public static class Verbose implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("livetoken.upstream.api-key", API_KEY),
                    Map.entry("livetoken.emulator.api-keys", API_KEY),
                    // The emulator answers 429 once it holds 3 live tokens: our upstream failure.
                    Map.entry("livetoken.emulator.max-tokens", "3"),
                    Map.entry("quarkus.log.category.\"dev.livetoken\".level", "DEBUG"),
                    Map.entry("quarkus.log.category.\"io.quarkus.smallrye.jwt\".level", "DEBUG"),
                    Map.entry("quarkus.log.category.\"io.smallrye.jwt\".level", "DEBUG"),
                    Map.entry("quarkus.log.category.\"io.quarkus.security\".level", "DEBUG"),
                    Map.entry("quarkus.log.category.\"io.quarkus.vertx.http\".level", "DEBUG"),
                    Map.entry("quarkus.http.access-log.enabled", "true"));
        }
    }

    @Test
    void noSecretReachesTheLog() throws InterruptedException {
        List<String> secrets = new ArrayList<>(List.of(API_KEY));
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 3; i++) {
                String jwt = TestJwts.user("alice" + i, "acme").sign();
                secrets.add(jwt);
                secrets.add(jwt.substring(jwt.lastIndexOf('.') + 1));
                String token = given().header("Authorization", "Bearer " + jwt)
                        .header("X-Request-Id", "good-mint-req-000" + i)
                        .contentType("application/json")
                        .body("{\"targetLanguageCode\":\"es\"}")
                        .when()
                        .post("/v1/tokens")
                        .then()
                        .statusCode(201)
                        .extract()
                        .path("token");
                secrets.add(token);
                secrets.add(token.substring("auth_tokens/".length()));
            }
            String jwt = TestJwts.user("bob", "acme").sign();
            secrets.add(jwt);
            // refused by policy
            given().header("Authorization", "Bearer " + jwt)
                    .contentType("application/json")
                    .header("X-Request-Id", "refused-mint-req-0001")
                    .body("{\"targetLanguageCode\":\"xx\"}")
                    .when()
                    .post("/v1/tokens")
                    .then()
                    .statusCode(400);
            // refused JWTs
            String expired =
                    TestJwts.user("eve", "acme").claim("exp", 1_000_000L).sign();
            secrets.add(expired);
            given().header("Authorization", "Bearer " + expired)
                    .when()
                    .post("/v1/tokens")
                    .then()
                    .statusCode(401);
            String forged = TestJwts.user("eve", "acme").hs256WithPublicKey();
            secrets.add(forged);
            given().header("Authorization", "Bearer " + forged)
                    .when()
                    .post("/v1/tokens")
                    .then()
                    .statusCode(401);
            // upstream failure: the emulator is full
            given().header("Authorization", "Bearer " + jwt)
                    .contentType("application/json")
                    .body("{}")
                    .header("X-Request-Id", "upstream-fail-req-0001")
                    .when()
                    .post("/v1/tokens")
                    .then()
                    .statusCode(503);

            // The access line is written when the answer is complete, which may be just after the
            // client has read it.
            long until = System.nanoTime() + 2_000_000_000L;
            while (!logs.all().contains("requestId=upstream-fail-req-0001") && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            String all = logs.all();
            assertThat(logs.size())
                    .as("debug logging must have produced lines to inspect")
                    .isGreaterThan(3);
            assertThat(all).contains("Upstream auth_tokens call failed");
            for (String secret : secrets) {
                assertThat(all).doesNotContain(secret);
            }

            // one access line per mint, with who, what and the request id; never a credential
            for (int i = 0; i < 3; i++) {
                assertThat(all)
                        .containsPattern("dev\\.livetoken\\.access INFO POST /v1/tokens 201 \\d+ms tenant=acme "
                                + "subject=alice" + i + " lock=locked outcome=minted requestId=good-mint-req-000" + i);
            }
            assertThat(all)
                    .containsPattern("dev\\.livetoken\\.access INFO POST /v1/tokens 400 \\d+ms tenant=acme "
                            + "subject=bob lock=- outcome=unknown-language requestId=refused-mint-req-0001");
            assertThat(all)
                    .containsPattern(
                            "dev\\.livetoken\\.access INFO POST /v1/tokens 401 .*outcome=authentication-required");
            assertThat(all)
                    .containsPattern("dev\\.livetoken\\.access INFO POST /v1/tokens 503 .*"
                            + "outcome=upstream-throttled requestId=upstream-fail-req-0001");
            // the MDC request id survives the asynchronous upstream call
            assertThat(all)
                    .containsPattern(
                            "Upstream auth_tokens call failed: kind=THROTTLED.*\\[rid=upstream-fail-req-0001\\]");
        }
    }

    @Test
    void upstreamFailuresAreCountedByKind() {
        String bearer = "Bearer " + TestJwts.user("carol", "acme").sign();
        // Fill the emulator (3 live tokens) until it throttles, whatever ran before.
        int status = 0;
        for (int i = 0; i < 5 && status != 503; i++) {
            status = given().header("Authorization", bearer)
                    .contentType("application/json")
                    .body("{}")
                    .when()
                    .post("/v1/tokens")
                    .then()
                    .extract()
                    .statusCode();
        }
        assertThat(status).isEqualTo(503);
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertThat(metrics).containsPattern("(?m)^livetoken_upstream_errors_total\\{kind=\"throttled\"\\} [1-9]");
        assertThat(metrics).containsPattern("(?m)^livetoken_upstream_seconds_count\\{result=\"error\"\\} [1-9]");
    }
}
