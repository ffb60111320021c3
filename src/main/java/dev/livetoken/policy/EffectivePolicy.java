package dev.livetoken.policy;

import java.util.List;
import java.util.Set;

/**
 * The policy that governs a tenant's mints, where it came from, and who is blocked.
 *
 * @param source {@code tenant} when the tenant has its own policy, {@code default} otherwise
 * @param policy the stored policy held to today's platform ceilings
 * @param clamps what the ceilings lowered in the stored policy (empty when it is within them)
 * @param platformRefusal why no token may be minted under this policy at all today (a model the
 *        platform no longer allows), or null
 */
public record EffectivePolicy(
        TokenPolicy policy,
        String source,
        Set<String> blockedSubjects,
        List<PlatformCeilings.Clamp> clamps,
        String platformRefusal) {

    public EffectivePolicy {
        clamps = List.copyOf(clamps);
    }

    /** A policy within the ceilings. */
    public EffectivePolicy(TokenPolicy policy, String source, Set<String> blockedSubjects) {
        this(policy, source, blockedSubjects, List.of(), null);
    }

    public boolean tenantBlocked() {
        return blockedSubjects.contains(PolicyStore.WHOLE_TENANT);
    }

    public boolean blocks(String subject) {
        return tenantBlocked() || blockedSubjects.contains(subject);
    }
}
