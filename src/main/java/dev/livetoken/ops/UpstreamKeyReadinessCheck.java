package dev.livetoken.ops;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.livetoken.emulator.EmulatorConfig;
import dev.livetoken.upstream.UpstreamConfig;

/**
 * Readiness: a replica without a Gemini API key cannot mint, so it must not get traffic. With the
 * built-in emulator switched on (dev, test) no key is needed. Never reports the key itself.
 */
@Readiness
@ApplicationScoped
public class UpstreamKeyReadinessCheck implements HealthCheck {

    static final String NAME = "gemini-api-key";

    private final UpstreamConfig upstream;
    private final EmulatorConfig emulator;

    UpstreamKeyReadinessCheck(UpstreamConfig upstream, EmulatorConfig emulator) {
        this.upstream = upstream;
        this.emulator = emulator;
    }

    @Override
    public HealthCheckResponse call() {
        return evaluate(upstream.apiKey(), emulator.enabled());
    }

    static HealthCheckResponse evaluate(Optional<String> apiKey, boolean emulatorEnabled) {
        boolean configured = apiKey.filter(k -> !k.isBlank()).isPresent();
        return HealthCheckResponse.named(NAME)
                .status(configured || emulatorEnabled)
                .withData("configured", configured)
                .withData("emulator", emulatorEnabled)
                .build();
    }
}
