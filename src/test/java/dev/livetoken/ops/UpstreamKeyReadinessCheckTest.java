package dev.livetoken.ops;

import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamKeyReadinessCheckTest {

    @Test
    void downWithoutKeyWhenEmulatorIsOff() {
        assertThat(UpstreamKeyReadinessCheck.evaluate(Optional.empty(), false).getStatus())
                .isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(UpstreamKeyReadinessCheck.evaluate(Optional.of("  "), false).getStatus())
                .isEqualTo(HealthCheckResponse.Status.DOWN);
    }

    @Test
    void upWithKeyAndNeverShowsIt() {
        HealthCheckResponse r = UpstreamKeyReadinessCheck.evaluate(Optional.of("AIzaSecretKeyValue123456789"), false);
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(r.getData().orElseThrow().toString()).doesNotContain("AIzaSecretKeyValue123456789");
    }

    @Test
    void upWithoutKeyWhenEmulatorIsOn() {
        assertThat(UpstreamKeyReadinessCheck.evaluate(Optional.empty(), true).getStatus())
                .isEqualTo(HealthCheckResponse.Status.UP);
    }
}
