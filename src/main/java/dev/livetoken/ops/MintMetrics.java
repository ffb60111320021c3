package dev.livetoken.ops;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The service's own Prometheus metrics, one method per event the other features report. Meters
 * are built once per tag set and kept, so the hot path costs one map lookup and an increment.
 * Tag values are bounded: tenants come only from verified JWTs, outcomes from the problem table.
 */
@ApplicationScoped
public class MintMetrics {

    static final String MINTS = "livetoken.mints";
    static final String AUDIT_FAILURES = "livetoken.audit.failures";
    static final String MINTS_ABANDONED = "livetoken.mints.abandoned";

    /** The {@code outcome} of a mint that returned a token. */
    public static final String MINTED = "minted";
    /** Tag value when a tag is not known (e.g. the tenant of a request refused before its JWT was read). */
    public static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final Counter auditFailures;

    public MintMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.auditFailures = Counter.builder(AUDIT_FAILURES)
                .description("Minted tokens whose audit record could not be written")
                .register(registry);
    }

    /** A token was returned to the caller. */
    public void mintSucceeded(String tenant, boolean locked) {
        mint(tenant, MINTED, locked ? "locked" : "unlocked");
    }

    /** A mint ended in a problem answer; {@code outcome} is the problem slug (e.g. {@code unknown-language}). */
    public void mintFailed(String tenant, String outcome) {
        mint(tenant, outcome, "none");
    }

    /**
     * A mint whose caller was gone (hung up, or already answered 503) before the token was ready:
     * {@code result} is {@code discarded} (minted, recorded and counted, never sent) or
     * {@code released} (stopped before the upstream call; its reservation was given back).
     */
    public void mintAbandoned(String tenant, String result) {
        String t = orUnknown(tenant);
        String r = orUnknown(result);
        counter(
                        MINTS_ABANDONED + '\0' + t + '\0' + r,
                        k -> Counter.builder(MINTS_ABANDONED)
                                .description("Mints whose caller was gone before the token was ready")
                                .tag("tenant", t)
                                .tag("result", r)
                                .register(registry))
                .increment();
    }

    /** An audit record could not be written. */
    public void auditFailed() {
        auditFailures.increment();
    }

    private void mint(String tenant, String outcome, String lockMode) {
        String t = orUnknown(tenant);
        String o = orUnknown(outcome);
        counter(
                        MINTS + '\0' + t + '\0' + o + '\0' + lockMode,
                        k -> Counter.builder(MINTS)
                                .description("Mint requests by tenant, outcome (minted or problem slug) and lock mode")
                                .tag("tenant", t)
                                .tag("outcome", o)
                                .tag("lock_mode", lockMode)
                                .register(registry))
                .increment();
    }

    private Counter counter(String key, Function<String, Counter> create) {
        Counter c = counters.get(key);
        return c != null ? c : counters.computeIfAbsent(key, create);
    }

    private static String orUnknown(String v) {
        return v == null || v.isBlank() ? UNKNOWN : v;
    }
}
