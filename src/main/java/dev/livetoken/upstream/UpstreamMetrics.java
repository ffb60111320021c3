package dev.livetoken.upstream;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The upstream {@code auth_tokens} call's meters, counted where the outcome is decided: latency per
 * call ({@code livetoken_upstream_seconds{result}}) by {@link UpstreamTokens}, and each failure's
 * kind ({@code livetoken_upstream_errors_total{kind}}) by {@link UpstreamFailures} as it classifies
 * the failure. All meters are registered up front: tag values come from fixed sets.
 */
@ApplicationScoped
public class UpstreamMetrics {

    static final String UPSTREAM = "livetoken.upstream";
    static final String UPSTREAM_ERRORS = "livetoken.upstream.errors";
    /** The {@code kind} of a failure that did not go through {@link UpstreamFailures} (a bug). */
    static final String OTHER = "other";

    private final Timer ok;
    private final Timer error;
    private final Map<UpstreamFailures.Kind, Counter> errors = new EnumMap<>(UpstreamFailures.Kind.class);
    private final Counter other;

    public UpstreamMetrics(MeterRegistry registry) {
        this.ok = timer(registry, "ok");
        this.error = timer(registry, "error");
        for (UpstreamFailures.Kind k : UpstreamFailures.Kind.values()) {
            errors.put(k, errorCounter(registry, k.name().toLowerCase(Locale.ROOT)));
        }
        this.other = errorCounter(registry, OTHER);
    }

    /** One call that started at {@code startNanos} ({@link System#nanoTime()}) ended, well or not. */
    public void callEnded(long startNanos, boolean succeeded) {
        (succeeded ? ok : error).record(Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /** A failed call, classified. */
    public void failed(UpstreamFailures.Kind kind) {
        errors.get(kind).increment();
    }

    /** A call that failed with something {@link UpstreamFailures} never saw: counted as {@code other}. */
    public void failedUnclassified() {
        other.increment();
    }

    private static Timer timer(MeterRegistry registry, String result) {
        return Timer.builder(UPSTREAM)
                .description("Upstream auth_tokens call duration")
                .tag("result", result)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    private static Counter errorCounter(MeterRegistry registry, String kind) {
        return Counter.builder(UPSTREAM_ERRORS)
                .description("Failed upstream auth_tokens calls by kind")
                .tag("kind", kind)
                .register(registry);
    }
}
