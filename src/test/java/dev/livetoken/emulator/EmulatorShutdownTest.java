package dev.livetoken.emulator;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8 item 16: shutdown waited the whole 20 s shutdown timeout after an emulator WebSocket
 * session, because an upgraded socket counts as an in-flight request until it closes. The first
 * event of Quarkus' shutdown must close every live emulator connection (goAway first, so a client
 * resumes). We fire that event inside the running test application.
 */
@QuarkusTest
class EmulatorShutdownTest {

    @Inject
    EmulatorTokenStore store;

    @Inject
    LiveApiEmulator emulator;

    @Inject
    Event<ShutdownDelayInitiatedEvent> shutdown;

    @AfterEach
    void reopen() {
        emulator.acceptNewConnectionsAgain();
    }

    String token() throws Exception {
        Instant now = Instant.now();
        return store.create(
                0,
                now.plusSeconds(600),
                now.plusSeconds(60),
                LiveApiEmulatorTest.tokenSetup("es"),
                LiveApiEmulatorTest.LOCKED_MASK);
    }

    @Test
    void shutdownClosesLiveSessionsAtOnceWithGoAwayFirst() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(token());
        s.send(LiveApiEmulatorTest.setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        LiveTestSocket idle = LiveTestSocket.open(token()); // connected, no setup yet
        long registered = System.nanoTime() + 2_000_000_000L;
        while (emulator.openConnections() < 2 && System.nanoTime() < registered) {
            Thread.sleep(10); // the server registers a socket just after the client sees the 101
        }
        assertTrue(emulator.openConnections() >= 2, "open: " + emulator.openConnections());

        long start = System.nanoTime();
        shutdown.fire(new ShutdownDelayInitiatedEvent());
        LiveTestSocket.Close c = s.awaitClose(Duration.ofSeconds(2));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1001, c.code(), c.toString());
        assertTrue(ms < 1000, "closed " + ms + " ms after shutdown began");
        JsonNode goAway = s.nextWith("goAway");
        assertEquals("0s", goAway.path("goAway").path("timeLeft").asText());
        assertEquals(1001, idle.awaitClose(Duration.ofSeconds(2)).code());
        long until = System.nanoTime() + 2_000_000_000L;
        while (emulator.openConnections() > 0 && System.nanoTime() < until) {
            Thread.sleep(10); // the server side finishes its close handshake
        }
        assertEquals(0, emulator.openConnections(), "no connection left to hold shutdown up");
    }

    @Test
    void connectionsOpenedWhileShuttingDownAreClosedAtOnce() throws Exception {
        shutdown.fire(new ShutdownDelayInitiatedEvent());
        LiveTestSocket late = LiveTestSocket.open(token());
        assertEquals(1001, late.awaitClose(Duration.ofSeconds(2)).code());
    }
}
