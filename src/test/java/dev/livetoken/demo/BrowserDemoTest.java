package dev.livetoken.demo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
            return Map.of("livetoken.emulator.live-connection-lifetime", "PT4S",
                    "livetoken.emulator.live-go-away-before", "PT2S");
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
}
