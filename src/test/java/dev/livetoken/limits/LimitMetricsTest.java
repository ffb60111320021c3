package dev.livetoken.limits;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

class LimitMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final LimitMetrics metrics = new LimitMetrics(registry);

    @Test
    void refusalsAreCountedOncePerTenantAndScope() {
        metrics.refused("acme", UsageLimiter.Scope.USER_RATE);
        metrics.refused("acme", UsageLimiter.Scope.USER_RATE);
        metrics.refused("acme", UsageLimiter.Scope.TENANT_QUOTA);
        metrics.refused(null, UsageLimiter.Scope.USER_CHARACTERS);
        assertThat(registry.find(LimitMetrics.LIMIT_REFUSALS).counters()).hasSize(3);
        assertThat(registry.find(LimitMetrics.LIMIT_REFUSALS)
                        .tags("tenant", "acme", "scope", "user-rate")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.find(LimitMetrics.LIMIT_REFUSALS)
                        .tags("tenant", "unknown", "scope", "user-characters")
                        .counter()
                        .count())
                .isEqualTo(1);
    }
}
