package dev.livetoken.ops;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

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
    void countersAreBuiltOncePerTagSet() {
        metrics.limitRefused("acme", "user-rate");
        metrics.limitRefused("acme", "user-rate");
        metrics.limitRefused("acme", "tenant-quota");
        assertThat(registry.find(MintMetrics.LIMIT_REFUSALS).counters()).hasSize(2);
        assertThat(count(MintMetrics.LIMIT_REFUSALS, "tenant", "acme", "scope", "user-rate"))
                .isEqualTo(2);
    }

    @Test
    void upstreamCallsRecordLatencyAndErrorKind() {
        long start = System.nanoTime() - Duration.ofMillis(40).toNanos();
        metrics.upstreamCallEnded(start, null);
        metrics.upstreamCallEnded(
                start,
                ProblemException.builder(ProblemType.UPSTREAM_THROTTLED, "x")
                        .upstreamFailure("THROTTLED")
                        .build());
        metrics.upstreamCallEnded(start, new IllegalStateException());
        var ok = registry.find(MintMetrics.UPSTREAM).tags("result", "ok").timer();
        assertThat(ok.count()).isEqualTo(1);
        assertThat(ok.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(40);
        assertThat(registry.find(MintMetrics.UPSTREAM)
                        .tags("result", "error")
                        .timer()
                        .count())
                .isEqualTo(2);
        assertThat(count(MintMetrics.UPSTREAM_ERRORS, "kind", "throttled")).isEqualTo(1);
        assertThat(count(MintMetrics.UPSTREAM_ERRORS, "kind", "other")).isEqualTo(1);
    }

    @Test
    void auditFailuresAreCounted() {
        metrics.auditFailed();
        metrics.auditFailed();
        assertThat(count(MintMetrics.AUDIT_FAILURES)).isEqualTo(2);
    }
}
