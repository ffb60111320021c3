package dev.livetoken.emulator;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.client.LiveTranslateSession;
import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** goAway and the connection time limit, with the limits shortened; and the client surviving them. */
@QuarkusTest
@TestProfile(ShortLiveConnectionsProfile.class)
class LiveConnectionLifetimeTest {

    @Inject
    EmulatorTokenStore store;

    String token() throws Exception {
        Instant now = Instant.now();
        return store.create(
                1,
                now.plusSeconds(600),
                now.plusSeconds(60),
                LiveApiEmulatorTest.tokenSetup("es"),
                LiveApiEmulatorTest.LOCKED_MASK);
    }

    @Test
    void goAwayComesBeforeTheTimeLimitCloseWithWholeSeconds() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(token());
        long start = System.nanoTime();
        s.send(LiveApiEmulatorTest.setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        JsonNode goAway = s.nextWith("goAway");
        long goAwayAt = (System.nanoTime() - start) / 1_000_000;
        assertEquals("1s", goAway.path("goAway").path("timeLeft").asText());
        LiveTestSocket.Close c = s.awaitClose(Duration.ofSeconds(4));
        long closedAt = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1008, c.code());
        assertTrue(goAwayAt >= 700 && goAwayAt < 1800, "goAway after ~1 s, was " + goAwayAt);
        assertTrue(closedAt >= 1700, "closed after ~2 s, was " + closedAt);
    }

    @Test
    void audioOnlySessionWithoutCompressionEndsAtTheSessionLimitAcrossResumptions() throws Exception {
        String token = token();
        long start = System.nanoTime();
        LiveTestSocket first = LiveTestSocket.open(token);
        first.send(LiveApiEmulatorTest.setup("es", null));
        assertTrue(first.next().has("setupComplete"));
        String handle = null;
        for (JsonNode m = first.next(); !m.has("goAway"); m = first.next()) {
            if (m.has("sessionResumptionUpdate")) {
                handle = m.path("sessionResumptionUpdate").path("newHandle").asText();
            }
        }
        first.close();
        LiveTestSocket second = LiveTestSocket.open(token);
        second.send(LiveApiEmulatorTest.setup("es", handle));
        assertTrue(second.nextWith("setupComplete").has("setupComplete"));
        LiveTestSocket.Close c = second.awaitClose(Duration.ofSeconds(4));
        long at = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1008, c.code());
        assertTrue(c.reason().startsWith("Session duration limit"), c.reason());
        assertTrue(at >= 2000 && at < 3000, "closed " + at + " ms after the session began");
        LiveTestSocket third = LiveTestSocket.open(token);
        third.send(LiveApiEmulatorTest.setup("es", handle));
        assertTrue(third.awaitClose().reason().startsWith("Session duration limit"), "the session is over");
    }

    @Test
    void withContextWindowCompressionTheSessionOutlivesTheLimit() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(token());
        s.send("{\"setup\":{\"model\":\"" + LiveApiEmulatorTest.MODEL + "\",\"contextWindowCompression\":"
                + "{\"slidingWindow\":{}}}}");
        assertTrue(s.next().has("setupComplete"));
        // the connection ends at its 2 s lifetime (1008 time limit), not by the session limit
        LiveTestSocket.Close c = s.awaitClose(Duration.ofSeconds(4));
        assertEquals("Connection time limit reached; resume the session.", c.reason());
    }

    @Test
    void clientResumesOnGoAwayWithTheSameTokenWithoutLosingOrRepeatingAudio() throws Exception {
        String token = token(); // one use only: resumptions must not spend it
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicInteger goAways = new AtomicInteger();
        LiveTranslateSession.Listener listener = new LiveTranslateSession.Listener() {
            @Override
            public synchronized void onAudio(byte[] pcm24k) {
                out.writeBytes(pcm24k);
            }

            @Override
            public void onTranscript(boolean source, String text, String languageCode, boolean finished) {}

            @Override
            public void onGoAway(String timeLeft) {
                goAways.incrementAndGet();
            }
        };
        LiveTranslateSession session = LiveTranslateSession.open(
                HttpClient.newHttpClient(),
                LiveTranslateSession.Options.of(
                        URI.create("ws://localhost:" + LiveTestSocket.httpPort() + LiveTestSocket.PATH),
                        token,
                        LiveApiEmulatorTest.MODEL,
                        null,
                        null,
                        true,
                        Duration.ofSeconds(5)),
                listener);
        byte[] input = LiveApiEmulatorTest.tone(16_000 * 7 / 2); // 3.5 s: outlives two connections
        var stats = dev.livetoken.client.AudioStreamer.stream(
                dev.livetoken.client.AudioStreamer.fromPcm(input), session::sendAudio);
        session.endAudio();
        session.awaitIdle(Duration.ofMillis(500), Duration.ofSeconds(10));
        session.close();
        assertTrue(session.resumptions() >= 1, "resumed " + session.resumptions() + " times, goAways " + goAways);
        assertEquals(35, stats.chunks());
        synchronized (listener) {
            assertEquals(input.length / 2 * 3, out.size(), "every input sample came back exactly once at 24 kHz");
        }
    }
}
