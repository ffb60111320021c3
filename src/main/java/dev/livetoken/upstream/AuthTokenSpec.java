package dev.livetoken.upstream;

import java.time.Instant;
import java.util.List;

/**
 * What to ask {@code auth_tokens.create} for, in the terms the official SDKs use
 * ({@code CreateAuthTokenConfig}): any field may be null, exactly as an SDK caller may omit it.
 *
 * @param lockAdditionalFields null for the SDKs' "absent" (a global lock), an empty list to lock
 *        only the constrained fields, or extra field names to lock as well
 */
public record AuthTokenSpec(
        Integer uses,
        Instant expireTime,
        Instant newSessionExpireTime,
        LiveSetup constraints,
        List<String> lockAdditionalFields) {}
