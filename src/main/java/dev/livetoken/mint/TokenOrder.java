package dev.livetoken.mint;

import java.util.List;

import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.LiveSetup;

/**
 * One token of a conversation ({@code POST /v1/conversations}, docs/conversations.md): its plan,
 * the setup baked into it and what else is locked.
 *
 * @param setup the constraints: a Live Translate target, or a dialogue model's locked instruction
 * @param lockAdditionalFields fields locked on top of the setup's own (as the SDKs' {@code lockAdditionalFields})
 */
public record TokenOrder(MintPlan plan, LiveSetup setup, List<String> lockAdditionalFields) {

    /** A pair-mode token: the same request a single mint would send for the plan. */
    public static TokenOrder translate(MintPlan plan) {
        AuthTokenSpec spec = MintService.spec(plan);
        return new TokenOrder(plan, spec.constraints(), spec.lockAdditionalFields());
    }

    /** Locked: a translation target, or a system instruction. */
    public boolean locked() {
        return plan.locked() || setup.systemInstruction() != null;
    }

    AuthTokenSpec spec() {
        return new AuthTokenSpec(
                plan.uses(), plan.expireTime(), plan.newSessionExpireTime(), setup, lockAdditionalFields);
    }
}
