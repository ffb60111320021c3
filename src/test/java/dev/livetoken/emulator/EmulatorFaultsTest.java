package dev.livetoken.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletionException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each failure mode the emulator injects on demand looks as docs/live-api-protocol.md §7 describes. */
@QuarkusTest
class EmulatorFaultsTest {

    @Inject
    EmulatorTokenStore store;

    @Inject
    EmulatorFaults faults;

    String token() throws Exception {
        Instant now = Instant.now();
        return store.create(
                0,
                now.plusSeconds(600),
                now.plusSeconds(60),
                LiveApiEmulatorTest.tokenSetup("es"),
                LiveApiEmulatorTest.LOCKED_MASK);
    }

    LiveTestSocket session(String token, String fault) {
        LiveTestSocket s = LiveTestSocket.open(
                URI.create(LiveTestSocket.uri(LiveTestSocket.PATH, token) + "&" + EmulatorFaults.QUERY_PARAMETER + "="
                        + fault),
                Map.of());
        s.send("{\"setup\":{\"model\":\"" + LiveApiEmulatorTest.MODEL + "\",\"sessionResumption\":{}}}");
        assertTrue(s.next().has("setupComplete"));
        return s;
    }

    void audio(LiveTestSocket s, int n) {
        for (int i = 0; i < n; i++) {
            s.send(LiveApiEmulatorTest.audio(LiveApiEmulatorTest.tone(1600), false));
        }
    }

    @Test
    void dropCutsTheConnectionWithoutACloseFrame() throws Exception {
        LiveTestSocket s = session(token(), "drop@2");
        audio(s, 2);
        assertEquals(1006, s.awaitClose().code(), "no close frame, as after a network drop");
    }

    @Test
    void goAwayDeadlineSendsGoAwayThenCloses1011() throws Exception {
        LiveTestSocket s = session(token(), "goaway-deadline@1");
        audio(s, 1);
        assertEquals("50s", s.nextWith("goAway").path("goAway").path("timeLeft").asText());
        assertEquals(
                new LiveTestSocket.Close(1011, "Deadline expired before operation could complete."), s.awaitClose());
    }

    @Test
    void resourceExhaustedCloses1011() throws Exception {
        LiveTestSocket s = session(token(), "resource-exhausted@1");
        audio(s, 1);
        LiveTestSocket.Close c = s.awaitClose();
        assertEquals(1011, c.code());
        assertTrue(c.reason().startsWith("RESOURCE_EXHAUSTED"), c.reason());
    }

    @Test
    void goAwaySilenceStopsAnsweringButKeepsTheSocket() throws Exception {
        LiveTestSocket s = session(token(), "goaway-silence@1");
        audio(s, 1);
        s.nextWith("goAway");
        s.received().clear();
        audio(s, 5);
        Thread.sleep(500);
        assertTrue(s.received().isEmpty(), "silence after goAway: " + s.received());
        assertTrue(!s.isClosed());
        s.close();
    }

    @Test
    void http429RefusesTheUpgrade() throws Exception {
        URI uri = URI.create(
                LiveTestSocket.uri(LiveTestSocket.PATH, token()) + "&" + EmulatorFaults.QUERY_PARAMETER + "=http-429");
        try {
            HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .buildAsync(uri, new java.net.http.WebSocket.Listener() {})
                    .join();
            throw new AssertionError("the upgrade succeeded");
        } catch (CompletionException e) {
            assertEquals(
                    429,
                    ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
        }
    }

    @Test
    void resumeWhileTheOldSocketIsOpenIsRefused1011() throws Exception {
        String token = token();
        LiveTestSocket first = session(token, "none");
        String handle = first.nextWith("sessionResumptionUpdate")
                .path("sessionResumptionUpdate")
                .path("newHandle")
                .asText();
        LiveTestSocket second = LiveTestSocket.open(
                URI.create(LiveTestSocket.uri(LiveTestSocket.PATH, token) + "&" + EmulatorFaults.QUERY_PARAMETER
                        + "=refuse-resume-while-open"),
                Map.of());
        second.send(LiveApiEmulatorTest.setup("es", handle));
        assertEquals(new LiveTestSocket.Close(1011, "The service is currently unavailable."), second.awaitClose());
        first.close();
    }

    @Test
    void lastConsumedIndexOnlyForTransparentResumption() throws Exception {
        LiveTestSocket plain = session(token(), "none");
        audio(plain, 10);
        JsonNode u = plain.nextWith("sessionResumptionUpdate").path("sessionResumptionUpdate");
        assertTrue(!u.has("lastConsumedClientMessageIndex"), u.toString());
        plain.close();

        LiveTestSocket t = LiveTestSocket.open(token());
        t.send("{\"setup\":{\"model\":\"" + LiveApiEmulatorTest.MODEL
                + "\",\"sessionResumption\":{\"transparent\":true}}}");
        assertTrue(t.next().has("setupComplete"));
        assertEquals(
                "0",
                t.nextWith("sessionResumptionUpdate")
                        .path("sessionResumptionUpdate")
                        .path("lastConsumedClientMessageIndex")
                        .asText());
        t.close();
    }
}
