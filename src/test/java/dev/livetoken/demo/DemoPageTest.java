package dev.livetoken.demo;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The demo page's files, its own Content-Security-Policy, and everyone else keeping theirs. */
@QuarkusTest
class DemoPageTest {

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    static String demoCsp() {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                + "connect-src 'self' ws://localhost:" + port() + "; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    @Test
    void thePageAndItsModulesAreServedWithTheirOwnStrictPolicy() {
        for (String file : new String[] {
            "",
            "index.html",
            "app.js",
            "live-session.js",
            "audio.js",
            "pcm-capture-worklet.js",
            "demo.css",
            "favicon.svg"
        }) {
            Response r = given().when().get("/demo/" + file);
            assertThat(r.statusCode()).as(file).isEqualTo(200);
            assertThat(r.header("Content-Security-Policy")).as(file).isEqualTo(demoCsp());
            assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            if (file.endsWith(".js")) {
                // modules and the worklet load only with a JavaScript type under nosniff
                assertThat(r.contentType()).as(file).startsWith("text/javascript");
            }
        }
        assertThat(given().when().get("/demo/").contentType()).startsWith("text/html");
    }

    @Test
    void noInlineScriptOrStyleThatThePolicyWouldBlock() {
        String html = given().when().get("/demo/").asString();
        assertThat(html)
                .doesNotContain("<style")
                .doesNotContain("style=\"")
                .doesNotContain(" onclick")
                .contains("<script type=\"module\" src=\"app.js\"></script>");
        assertThat(html.split("<script").length - 1).as("script elements").isEqualTo(1);
    }

    @Test
    void theSampleIsTheRepositorysWav() throws Exception {
        byte[] served = given().when()
                .get("/demo/hello-en.wav")
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertThat(served).isEqualTo(Files.readAllBytes(Path.of("samples/hello-en.wav")));
    }

    @Test
    void configTellsThePageThatDevSignInExists() {
        Response r = given().filter(Contract.VALIDATED).when().get("/demo/config.json");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.jsonPath().getBoolean("devSignIn")).isTrue();
        assertThat(r.header("Content-Security-Policy")).isEqualTo(demoCsp());
    }

    @Test
    void demoWithoutSlashRedirects() {
        given().redirects()
                .follow(false)
                .when()
                .get("/demo")
                .then()
                .statusCode(301)
                .header("Location", "/demo/");
    }

    @Test
    void everyOtherRouteKeepsDefaultSrcNone() {
        String strict = "default-src 'none'; frame-ancestors 'none'";
        assertThat(given().header("Authorization", TestJwts.bearer("alice", "acme"))
                        .when()
                        .get("/v1/languages")
                        .header("Content-Security-Policy"))
                .isEqualTo(strict);
        assertThat(given().when().post("/v1/tokens").header("Content-Security-Policy"))
                .isEqualTo(strict);
        assertThat(given().when().get("/q/health/live").header("Content-Security-Policy"))
                .isEqualTo(strict);
        assertThat(given().when().get("/demox").header("Content-Security-Policy"))
                .isEqualTo(strict);
    }
}
