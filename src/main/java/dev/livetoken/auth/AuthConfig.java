package dev.livetoken.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Caller identity settings. JWT verification itself (issuer, audience, key, algorithm) is
 * SmallRye JWT's {@code mp.jwt.verify.*} configuration, listed in the README.
 */
@ConfigMapping(prefix = "livetoken.auth")
public interface AuthConfig {

    /** Name of the JWT claim that carries the caller's tenant. Default {@code tenant}. */
    @WithDefault("tenant")
    String tenantClaim();

    /** Dev mode only: lifetime of JWTs signed by {@code POST /dev/v1/jwt}. Default 1 hour. */
    @WithDefault("PT1H")
    Duration devJwtLifetime();
}
