package dev.livetoken.demo;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.Admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page in a real (headless) Chromium with a fake microphone, against the emulator with its
 * default frames (binary, as Google sends them). Live API connections last 4 s with goAway 2 s
 * before the end, so every session here has to resume. Leaves target/demo-page.png to look at.
 */
@QuarkusTest
@TestProfile(BrowserDemoTest.ShortConnections.class)
class BrowserDemoTest {

    /** Live API connections of 4 s, goAway after 2 s. */
    public static class ShortConnections implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "livetoken.emulator.live-connection-lifetime",
                    "PT4S",
                    "livetoken.emulator.live-go-away-before",
                    "PT2S");
        }
    }

    @TestHTTPResource("/demo/")
    URL demo;

    @Test
    void talkingIntoTheMicrophoneIsTranslatedAcrossAGoAway() throws Exception {
        try (DemoBrowser b = DemoBrowser.start()) {
            DemoScenarios.talkThroughTheMicrophone(b, demo.toString(), Path.of("target/demo-page.png"));
        }
    }

    @Test
    void anExpiredTokenIsRenewedThroughTheServiceAndTheSessionGoesOn() {
        // tokens of 3 s: the emulator closes a session when its token expires (1008), so the page
        // renews each token a second before (a third of its lifetime) with POST /v1/tokens/renew and
        // moves the conversation to a new session, several times within the sample; goAways (every
        // connection here) race with those hand-overs
        String tenant = Admin.newTenant("demo");
        Admin.createPolicy(tenant, "{\"tokenLifetimeSeconds\":3}");
        try (DemoBrowser b = DemoBrowser.start()) {
            b.open(demo + "?autostart=1&user=alice@" + tenant + "&target=es&source=sample");
            b.await("closed at the end of the sample", Duration.ofSeconds(30), () -> "closed".equals(b.state()));
            assertThat(b.bodyNumber("data-tokens")).as("tokens minted").isGreaterThanOrEqualTo(2);
            assertThat(b.bodyNumber("data-renewals"))
                    .as("tokens the service answered as renewals (renewedFrom)")
                    .isGreaterThanOrEqualTo(1)
                    .isEqualTo(b.bodyNumber("data-tokens") - 1);
            assertThat(b.bodyNumber("data-handovers"))
                    .as("sessions handed over to a renewed token before the old one expired")
                    .isGreaterThanOrEqualTo(1);
            // a fresh session (not a resumption) starts without what the expired one had heard but not
            // yet translated; most of the sample's sound still comes back
            double spoken = DemoScenarios.spokenSeconds(java.nio.file.Path.of("samples/hello-en.wav"));
            assertThat(b.bodyNumber("data-played-bytes") / 2.0 / 24_000)
                    .as("seconds of translated audio")
                    .isGreaterThan(spoken * 0.8);
            DemoScenarios.assertLanguages(b);
            DemoScenarios.assertNoSecretsAnywhere(b);
        }
    }

    @Test
    void aRefusedMintIsExplainedInWords() {
        String tenant = Admin.newTenant("demo");
        Admin.createPolicy(tenant, "{}");
        given().header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"reason\":\"demo test\"}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/alice")
                .then()
                .statusCode(201);
        try (DemoBrowser b = DemoBrowser.start()) {
            b.open(demo + "?autostart=1&user=alice@" + tenant + "&target=es&source=sample");
            b.await("failed", Duration.ofSeconds(20), () -> "failed".equals(b.state()));
            assertThat(b.message())
                    .startsWith("Getting a token failed: Minting blocked by an operator.")
                    .contains("(request ");
            assertThat(b.bodyNumber("data-played-bytes")).isZero();
            // the browser itself reports the 403 as a console error; nothing may carry a secret
            assertThat(b.console())
                    .noneMatch(e -> e.getMessage().contains(DemoScenarios.TOKEN_PREFIX)
                            || e.getMessage().contains(DemoScenarios.JWT_PREFIX));
        }
    }
}
