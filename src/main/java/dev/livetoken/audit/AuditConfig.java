package dev.livetoken.audit;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The audit trail's settings. */
@ConfigMapping(prefix = "livetoken.audit")
public interface AuditConfig {

    /**
     * Secret key of the HMAC-SHA256 kept instead of each token, so an operator holding a token can
     * find its record while the stored hashes are useless to anyone without the key. Required in
     * (env {@code LIVETOKEN_AUDIT_HMAC_KEY}, at least 32 characters); the dev and test profiles set a
     * fixed dev key.
     */
    Optional<String> hmacKey();
}
