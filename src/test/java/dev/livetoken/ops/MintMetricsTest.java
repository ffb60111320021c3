package dev.livetoken.ops;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

class MintMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MintMetrics metrics = new MintMetrics(registry);

    double count(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void mintsAreCountedByTenantOutcomeAndLockMode() {
        metrics.mintSucceeded("acme", true);
        metrics.mintSucceeded("acme", true);
        metrics.mintSucceeded("acme", false);
        metrics.mintFailed("acme", "language-not-allowed");
        metrics.mintFailed(null, "authentication-required");
        assertThat(count(MintMetrics.MINTS, "tenant", "acme", "outcome", "minted", "lock_mode", "locked"))
                .isEqualTo(2);
        assertThat(count(MintMetrics.MINTS, "tenant", "acme", "outcome", "minted", "lock_mode", "unlocked"))
                .isEqualTo(1);
        assertThat(count(MintMetrics.MINTS, "tenant", "acme", "outcome", "language-not-allowed"))
                .isEqualTo(1);
        assertThat(count(MintMetrics.MINTS, "tenant", "unknown", "outcome", "authentication-required"))
                .isEqualTo(1);
    }

    @Test
    void auditFailuresAreCounted() {
        metrics.auditFailed();
        metrics.auditFailed();
        assertThat(count(MintMetrics.AUDIT_FAILURES)).isEqualTo(2);
    }
}
