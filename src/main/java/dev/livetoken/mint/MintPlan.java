package dev.livetoken.mint;

import dev.livetoken.upstream.LiveSetup;
import java.time.Instant;

/**
 * Everything decided about a token before it is minted: for whom, locked how, how long, how often.
 *
 * @param subject the user the token is for (the broker's {@code onBehalfOf}, or the caller)
 * @param translation the locked translation, or null for an unlocked token
 */
public record MintPlan(
        String tenant,
        String subject,
        String model,
        LiveSetup.Translation translation,
        int uses,
        Instant serverTime,
        Instant expireTime,
        Instant newSessionExpireTime,
        long policyVersion) {

    public boolean locked() {
        return translation != null;
    }
}
