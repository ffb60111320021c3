package dev.livetoken.limits;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code livetoken_limit_refusals_total{tenant,scope}}: requests a usage limit refused, counted by
 * {@link UsageLimiter} where it refuses. Tenants come only from verified JWTs, scopes from
 * {@link UsageLimiter.Scope}, so the tag sets stay bounded.
 */
@ApplicationScoped
public class LimitMetrics {

    static final String LIMIT_REFUSALS = "livetoken.limit.refusals";

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    public LimitMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A limit of {@code scope} refused a request of {@code tenant}'s. */
    public void refused(String tenant, UsageLimiter.Scope scope) {
        String t = tenant == null || tenant.isBlank() ? "unknown" : tenant;
        String key = t + '\0' + scope.label;
        Counter c = counters.get(key);
        if (c == null) {
            c = counters.computeIfAbsent(
                    key,
                    k -> Counter.builder(LIMIT_REFUSALS)
                            .description("Mints refused by a rate limit or quota")
                            .tag("tenant", t)
                            .tag("scope", scope.label)
                            .register(registry));
        }
        c.increment();
    }
}
