package dev.livetoken.sessions;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code livetoken_session_minutes_reported_total{tenant}} and
 * {@code livetoken_sessions_reported_total{tenant,close_code}}. Tags stay bounded: tenants come only
 * from verified JWTs (as for the mint metrics), close codes from a fixed set, any other code is
 * {@code other}.
 */
@ApplicationScoped
public class SessionMetrics {

    static final String MINUTES = "livetoken.session.minutes.reported";
    static final String SESSIONS = "livetoken.sessions.reported";
    /**
     * The close codes a Live session is known to end with (docs/live-api-protocol.md §5, §7): normal,
     * going away, abnormal (no close frame), invalid argument, policy (token refusals), internal
     * (deadline, quota, overload).
     */
    static final Set<Integer> KNOWN_CLOSE_CODES = Set.of(1000, 1001, 1006, 1007, 1008, 1011);

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public SessionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A new session report was stored (a repeated one is not counted again). */
    public void reported(String tenant, int closeCode, double minutes) {
        String code = closeCodeTag(closeCode);
        counters.computeIfAbsent(
                        SESSIONS + '\0' + tenant + '\0' + code,
                        k -> Counter.builder(SESSIONS)
                                .description("Finished Live sessions reported by devices (POST /v1/sessions)")
                                .tag("tenant", tenant)
                                .tag("close_code", code)
                                .register(registry))
                .increment();
        counters.computeIfAbsent(
                        MINUTES + '\0' + tenant,
                        k -> Counter.builder(MINUTES)
                                .description("Session-minutes (wall-clock length) of the sessions devices reported")
                                .tag("tenant", tenant)
                                .register(registry))
                .increment(minutes);
    }

    static String closeCodeTag(int code) {
        return KNOWN_CLOSE_CODES.contains(code) ? Integer.toString(code) : "other";
    }
}
