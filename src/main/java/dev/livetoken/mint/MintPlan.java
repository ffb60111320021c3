package dev.livetoken.mint;

import java.time.Instant;
import java.util.List;

import dev.livetoken.upstream.LiveSetup;

/**
 * Everything decided about a token before it is minted: for whom, locked how, how long, how often.
 *
 * @param subject the user the token is for (the broker's {@code onBehalfOf}, or the caller)
 * @param actor the caller who asked
 * @param translation the locked translation, or null for an unlocked token
 * @param policyTenant the tenant id of the policy that decided ({@code default} for the fallback)
 * @param decisions which rule decided each part, in order (for simulation and support)
 */
public record MintPlan(
        String tenant,
        String subject,
        String actor,
        String model,
        LiveSetup.Translation translation,
        int uses,
        Instant serverTime,
        Instant expireTime,
        Instant newSessionExpireTime,
        String policyTenant,
        long policyVersion,
        List<Decision> decisions) {

    /** One part of the token and the rule that set it. */
    public record Decision(String part, String value, String rule) {}

    public boolean locked() {
        return translation != null;
    }
}
