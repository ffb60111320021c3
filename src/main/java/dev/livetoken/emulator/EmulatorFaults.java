package dev.livetoken.emulator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigUtils;

/**
 * Failure modes of Google's Live API, on demand, for testing clients offline (dev and test only).
 * A fault is driven per connection: either planned for the next connections of a token by a test
 * ({@link #plan}), or named on one connection's URL ({@code ?emulator_fault=drop@20}). Honoured only
 * when the emulator is on, {@code livetoken.emulator.faults-enabled} is true and the {@code prod}
 * profile is not active: a production deployment never drops a connection on a client's request.
 * The failure shapes come from docs/live-api-protocol.md §5 and §7.
 */
@ApplicationScoped
public class EmulatorFaults {

    private static final Logger LOG = Logger.getLogger(EmulatorFaults.class);
    /** Query parameter naming a fault for this one connection: {@code kind} or {@code kind@afterAudioMessages}. */
    public static final String QUERY_PARAMETER = "emulator_fault";

    /** What goes wrong. */
    public enum Kind {
        /** No fault on this connection (a placeholder in a plan). */
        NONE,
        /** The TCP connection is cut: no goAway, no close frame (the client sees 1006). */
        DROP,
        /** goAway, then close 1011 "Deadline expired before operation could complete." (§7). */
        GOAWAY_DEADLINE,
        /** Close 1011 with a RESOURCE_EXHAUSTED reason (§7: quota or concurrency). */
        RESOURCE_EXHAUSTED,
        /** goAway, then silence: nothing is consumed or sent any more (§7). */
        GOAWAY_SILENCE,
        /** HTTP 429 on the WebSocket upgrade, which a browser reports as 1006 (§7). */
        HTTP_429,
        /** A resume of this session is refused with 1011 while its older socket is still open (§7). */
        REFUSE_RESUME_WHILE_OPEN,
        /**
         * Slow pongs: the connection stops being read for {@code livetoken.emulator.slow-pongs-pause}
         * (Vert.x answers a ping only when it reads it), so pings go unanswered and nothing is
         * consumed or sent while the TCP connection stays open; only a client keepalive notices (§7).
         */
        SLOW_PONGS;

        public String slug() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Kind of(String slug) {
            return valueOf(slug.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    /** A fault that strikes after {@code afterAudioMessages} audio messages on the connection. */
    public record Fault(Kind kind, int afterAudioMessages) {
        public static final Fault NONE = new Fault(Kind.NONE, 0);

        /** {@code drop}, {@code drop@20}; null for an unknown kind. */
        static Fault parse(String spec) {
            if (spec == null || spec.isBlank()) {
                return null;
            }
            String[] p = spec.split("@", 2);
            try {
                return new Fault(Kind.of(p[0]), p.length > 1 ? Integer.parseInt(p[1].trim()) : 0);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private final boolean active;
    private final Map<String, Deque<Fault>> planned = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> consumed = new ConcurrentHashMap<>();

    EmulatorFaults(EmulatorConfig config) {
        boolean prod = ConfigUtils.getProfiles().contains("prod");
        this.active = config.enabled() && config.faultsEnabled() && !prod;
        if (config.faultsEnabled() && prod) {
            LOG.warn("livetoken.emulator.faults-enabled is ignored in the prod profile");
        }
    }

    /** Whether fault injection is honoured at all. */
    public boolean active() {
        return active;
    }

    /** The next connections of {@code token} get these faults, one each, in order. */
    public void plan(String token, Fault... faults) {
        if (!active) {
            throw new IllegalStateException("emulator faults are not enabled");
        }
        planned.computeIfAbsent(token, k -> new ArrayDeque<>()).addAll(List.of(faults));
    }

    /**
     * The next connections of any token without a plan of its own get these faults, one each (for
     * tests of a client that mints its own token). Clear with {@link #clearPlans()}.
     */
    public void planAny(Fault... faults) {
        plan("*", faults);
    }

    /** Forgets every planned fault. */
    public void clearPlans() {
        planned.clear();
    }

    /** The fault for a new connection of {@code token}: the URL's, else the next planned one. */
    Fault next(String token, String fromQuery) {
        if (!active) {
            return Fault.NONE;
        }
        Fault q = Fault.parse(fromQuery);
        if (q != null) {
            return q;
        }
        Fault f = poll(token == null ? null : planned.get(token));
        if (f == null) {
            f = poll(planned.get("*"));
        }
        return f == null ? Fault.NONE : f;
    }

    private static Fault poll(Deque<Fault> d) {
        if (d == null) {
            return null;
        }
        synchronized (d) {
            return d.poll();
        }
    }

    /**
     * Test evidence: the first 8 bytes of every audio chunk the emulator consumed for a token, in
     * order (kept only while faults are active, i.e. in dev and test).
     */
    public List<Long> consumed(String token) {
        List<Long> l = consumed.get(token);
        if (l == null) {
            return List.of();
        }
        synchronized (l) {
            return new ArrayList<>(l);
        }
    }

    /**
     * Test evidence: every token whose consumed audio is kept ({@link #consumed}), for tests of a
     * client that gets its own tokens (they find theirs by the audit trail's token hashes).
     */
    public java.util.Set<String> tokensWithEvidence() {
        return java.util.Set.copyOf(consumed.keySet());
    }

    /** A resumption rolled the session back to {@code position} chunks (the handle's state). */
    void truncateConsumed(String token, long position) {
        List<Long> l = consumed.get(token);
        if (l == null) {
            return;
        }
        synchronized (l) {
            while (l.size() > position) {
                l.remove(l.size() - 1);
            }
        }
    }

    void recordConsumed(String token, byte[] pcm) {
        if (!active || pcm.length < 8) {
            return;
        }
        long id = 0;
        for (int i = 7; i >= 0; i--) {
            id = (id << 8) | (pcm[i] & 0xff);
        }
        List<Long> l = consumed.computeIfAbsent(token, k -> new ArrayList<>());
        synchronized (l) {
            if (l.size() < 100_000) {
                l.add(id);
            }
        }
    }
}
