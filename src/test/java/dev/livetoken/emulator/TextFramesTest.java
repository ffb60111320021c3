package dev.livetoken.emulator;

import java.time.Instant;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code livetoken.emulator.live.text-frames=true} switches the emulator to text frames. */
@QuarkusTest
@TestProfile(TextFramesTest.TextFrames.class)
class TextFramesTest {

    public static class TextFrames implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("livetoken.emulator.live.text-frames", "true");
        }
    }

    @Inject
    EmulatorTokenStore store;

    @Test
    void serverMessagesComeAsTextFramesWhenSwitchedOn() throws Exception {
        Instant now = Instant.now();
        String token = store.create(
                1,
                now.plusSeconds(600),
                now.plusSeconds(60),
                LiveApiEmulatorTest.tokenSetup("es"),
                LiveApiEmulatorTest.LOCKED_MASK);
        LiveTestSocket s = LiveTestSocket.open(token);
        s.send(LiveApiEmulatorTest.setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        s.send(LiveApiEmulatorTest.audio(LiveApiEmulatorTest.tone(3200), false));
        s.nextWith("modelTurn");
        assertEquals(0, s.binaryMessages());
        assertTrue(s.textMessages() >= 2, "text frames: " + s.textMessages());
        s.close();
    }
}
