package dev.livetoken.auth;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Caller identity settings. JWT verification itself (issuer, audience, key, algorithm) is
 * SmallRye JWT's {@code mp.jwt.verify.*} configuration, listed in the README.
 */
@ConfigMapping(prefix = "livetoken.auth")
public interface AuthConfig {

    /** Name of the JWT claim that carries the caller's tenant. Default {@code tenant}. */
    @WithDefault("tenant")
    String tenantClaim();

    /**
     * Longest a JWT may be valid for, {@code exp − iat}: a JWT claiming more (an {@code exp} years
     * away) is refused, so a leaked JWT cannot outlive this. Default 24 hours (some identity
     * providers issue day-long access tokens).
     */
    @WithDefault("PT24H")
    Duration jwtMaxAge();

    /** Dev mode only: lifetime of JWTs signed by {@code POST /dev/v1/jwt}. Default 1 hour. */
    @WithDefault("PT1H")
    Duration devJwtLifetime();
}
