package dev.livetoken.ops;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import io.quarkus.smallrye.health.runtime.ShutdownReadinessCheck;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * We rely on Quarkus' own readiness flag for draining: with {@code quarkus.shutdown.timeout} set,
 * its shutdown listener flips this check before in-flight requests are waited for.
 * {@link HealthEndpointsTest} shows the check is part of our readiness; this pins what it does.
 */
class GracefulShutdownReadinessTest {

    @Test
    void readinessTurnsDownOnceShutdownStarts() {
        ShutdownReadinessCheck check = new ShutdownReadinessCheck();
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        check.shutdown();
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
    }
}
