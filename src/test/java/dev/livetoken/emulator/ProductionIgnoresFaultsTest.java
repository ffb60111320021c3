package dev.livetoken.emulator;

import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.livetoken.support.LiveTestSocket;
import dev.livetoken.support.ProductionProfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The prod profile never injects faults: even with the emulator switched on and
 * {@code livetoken.emulator.faults-enabled=true}, a connection asking for a drop gets a normal session.
 */
@QuarkusTest
@TestProfile(ProductionIgnoresFaultsTest.ProdWithEmulatorAndFaults.class)
class ProductionIgnoresFaultsTest {

    /** The prod profile with every setting an operator must give, plus the emulator and its fault switch. */
    public static class ProdWithEmulatorAndFaults extends ProductionProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            m.put("livetoken.emulator.enabled", "true");
            m.put("livetoken.emulator.faults-enabled", "true");
            m.put("quarkus.datasource.\"embedded\".jdbc.url", "jdbc:h2:mem:prodfaults;DB_CLOSE_DELAY=-1");
            return m;
        }
    }

    @Inject
    EmulatorTokenStore store;

    @Inject
    EmulatorFaults faults;

    @Test
    void faultRequestsAreIgnoredInProduction() throws Exception {
        assertFalse(faults.active());
        assertThrows(IllegalStateException.class, () -> faults.plan("auth_tokens/x", EmulatorFaults.Fault.NONE));
        Instant now = Instant.now();
        String token = store.create(
                1,
                now.plusSeconds(600),
                now.plusSeconds(60),
                LiveApiEmulatorTest.tokenSetup("es"),
                LiveApiEmulatorTest.LOCKED_MASK);
        LiveTestSocket s = LiveTestSocket.open(
                URI.create(LiveTestSocket.uri(LiveTestSocket.PATH, token) + "&" + EmulatorFaults.QUERY_PARAMETER
                        + "=drop@1"),
                Map.of());
        s.send(LiveApiEmulatorTest.setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        s.send(LiveApiEmulatorTest.audio(LiveApiEmulatorTest.tone(1600), false));
        s.send(LiveApiEmulatorTest.audio(LiveApiEmulatorTest.tone(1600), false));
        assertTrue(s.nextWith("modelTurn").has("serverContent"), "the session goes on");
        assertFalse(s.isClosed());
        assertEquals(java.util.List.of(), faults.consumed(token), "no test evidence kept in production");
        s.close();
    }
}
