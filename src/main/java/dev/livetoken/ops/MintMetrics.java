package dev.livetoken.ops;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.livetoken.problem.ProblemException;

/**
 * The service's own Prometheus metrics, one method per event the other features report. Meters
 * are built once per tag set and kept, so the hot path costs one map lookup and an increment.
 * Tag values are bounded: tenants come only from verified JWTs, outcomes from the problem table,
 * scopes and kinds from fixed sets.
 */
@ApplicationScoped
public class MintMetrics {

    static final String MINTS = "livetoken.mints";
    static final String LIMIT_REFUSALS = "livetoken.limit.refusals";
    static final String AUDIT_FAILURES = "livetoken.audit.failures";
    static final String UPSTREAM = "livetoken.upstream";
    static final String UPSTREAM_ERRORS = "livetoken.upstream.errors";
    static final String MINTS_ABANDONED = "livetoken.mints.abandoned";

    /** The {@code outcome} of a mint that returned a token. */
    public static final String MINTED = "minted";
    /** Tag value when a tag is not known (e.g. the tenant of a request refused before its JWT was read). */
    public static final String UNKNOWN = "unknown";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
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

    /** A usage limit refused a mint before any upstream call; scope e.g. {@code user-rate}, {@code tenant-quota}. */
    public void limitRefused(String tenant, String scope) {
        String t = orUnknown(tenant);
        String s = orUnknown(scope);
        counter(
                        LIMIT_REFUSALS + '\0' + t + '\0' + s,
                        k -> Counter.builder(LIMIT_REFUSALS)
                                .description("Mints refused by a rate limit or quota")
                                .tag("tenant", t)
                                .tag("scope", s)
                                .register(registry))
                .increment();
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

    /** One upstream {@code auth_tokens} call took {@code took}; result {@code ok} or {@code error}. */
    public void upstreamLatency(Duration took, String result) {
        String r = orUnknown(result);
        timers.computeIfAbsent(
                        r,
                        k -> Timer.builder(UPSTREAM)
                                .description("Upstream auth_tokens call duration")
                                .tag("result", r)
                                .publishPercentileHistogram()
                                .minimumExpectedValue(Duration.ofMillis(1))
                                .maximumExpectedValue(Duration.ofSeconds(30))
                                .register(registry))
                .record(took);
    }

    /** One upstream call failed; kind is a {@code UpstreamFailures.Kind} name (any case). */
    public void upstreamError(String kind) {
        String k = orUnknown(kind).toLowerCase(Locale.ROOT);
        counter(
                        UPSTREAM_ERRORS + '\0' + k,
                        x -> Counter.builder(UPSTREAM_ERRORS)
                                .description("Failed upstream auth_tokens calls by kind")
                                .tag("kind", k)
                                .register(registry))
                .increment();
    }

    /**
     * Records an upstream call that started at {@code startNanos} ({@link System#nanoTime()}) and
     * ended with {@code failure} (null on success): latency, and the error kind when it failed.
     */
    public void upstreamCallEnded(long startNanos, Throwable failure) {
        upstreamLatency(Duration.ofNanos(System.nanoTime() - startNanos), failure == null ? "ok" : "error");
        if (failure != null) {
            upstreamError(
                    failure instanceof ProblemException p && p.upstreamFailure() != null
                            ? p.upstreamFailure()
                            : "other");
        }
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
