package dev.livetoken.emulator;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Live API connections last 2 s, with goAway 1 s before the end; audio-only sessions without
 * compression last 2.2 s (so a resumed connection, opened after the 1 s goAway, meets the session limit before its own 2 s lifetime).
 */
public class ShortLiveConnectionsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "livetoken.emulator.live-connection-lifetime",
                "PT2S",
                "livetoken.emulator.live-go-away-before",
                "PT1S",
                "livetoken.emulator.live-session-limit",
                "PT2.2S");
    }
}
