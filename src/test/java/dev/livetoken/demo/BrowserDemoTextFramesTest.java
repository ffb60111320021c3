package dev.livetoken.demo;

import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The demo page against the emulator sending text frames ({@code livetoken.emulator.live.text-frames}),
 * with the same short connections as {@link BrowserDemoTest}, playing the sample (the microphone
 * path is the same code, run in binary frames there).
 */
@QuarkusTest
@TestProfile(BrowserDemoTextFramesTest.TextFrames.class)
class BrowserDemoTextFramesTest {

    /** Text frames, connections of 4 s with goAway after 2 s. */
    public static class TextFrames implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "livetoken.emulator.live-connection-lifetime", "PT4S",
                    "livetoken.emulator.live-go-away-before", "PT2S",
                    "livetoken.emulator.live.text-frames", "true");
        }
    }

    @TestHTTPResource("/demo/")
    URL demo;

    @Test
    void theSampleIsTranslatedOnceAcrossGoAways() {
        try (DemoBrowser b = DemoBrowser.start()) {
            DemoScenarios.playTheSample(b, demo.toString());
        }
    }
}
