package dev.livetoken.policy;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the configured ceilings a bean; invalid {@code livetoken.platform.*} settings stop the startup. */
public class PlatformCeilingsProducer {

    @Produces
    @Singleton
    PlatformCeilings ceilings(PlatformConfig config) {
        return PlatformCeilings.of(config);
    }
}
