package dev.livetoken.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

/**
 * Keyed hash of a token (HMAC-SHA256, hex): what the audit trail stores in the token's place.
 * Created at startup, so a service without a key refuses to start instead of failing every mint.
 */
@Startup
@ApplicationScoped
public class TokenHasher {

    /** Shortest accepted key; the production settings check reports a shorter one at startup. */
    public static final int MIN_KEY_LENGTH = 32;

    private final SecretKeySpec key;

    TokenHasher(AuditConfig config) {
        String k = config.hmacKey().filter(s -> !s.isBlank()).orElse(null);
        if (k == null || k.length() < MIN_KEY_LENGTH) {
            throw new IllegalStateException("livetoken.audit.hmac-key (LIVETOKEN_AUDIT_HMAC_KEY) must be set to "
                    + "a secret of at least " + MIN_KEY_LENGTH + " characters");
        }
        this.key = new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String hash(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(token.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
