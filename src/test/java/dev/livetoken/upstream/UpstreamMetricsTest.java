package dev.livetoken.upstream;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamMetricsTest {

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final UpstreamMetrics metrics = new UpstreamMetrics(registry);

    double errors(String kind) {
        return registry.find(UpstreamMetrics.UPSTREAM_ERRORS)
                .tags("kind", kind)
                .counter()
                .count();
    }

    @Test
    void callsRecordLatencyByResult() {
        long start = System.nanoTime() - Duration.ofMillis(40).toNanos();
        metrics.callEnded(start, true);
        metrics.callEnded(start, false);
        metrics.callEnded(start, false);
        var ok = registry.find(UpstreamMetrics.UPSTREAM).tags("result", "ok").timer();
        assertThat(ok.count()).isEqualTo(1);
        assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(40);
        assertThat(registry.find(UpstreamMetrics.UPSTREAM)
                        .tags("result", "error")
                        .timer()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void failuresAreCountedByKindWhereUpstreamFailuresClassifiesThem() {
        UpstreamFailures failures = new UpstreamFailures(
                Logger.getLogger(UpstreamMetricsTest.class),
                "auth_tokens",
                "token service upstream",
                "example.invalid",
                Duration.ofSeconds(5),
                metrics::failed);
        failures.ofStatus(429, "3");
        failures.ofStatus(429, null);
        failures.ofStatus(500, null);
        failures.timeout();
        metrics.failedUnclassified();
        assertThat(errors("throttled")).isEqualTo(2);
        assertThat(errors("server_error")).isEqualTo(1);
        assertThat(errors("timeout")).isEqualTo(1);
        assertThat(errors("other")).isEqualTo(1);
        assertThat(errors("connect")).isZero();
    }
}
