package dev.livetoken.policy;

import java.util.Set;

/**
 * The policy that governs a tenant's mints, where it came from, and who is blocked.
 *
 * @param source {@code tenant} when the tenant has its own policy, {@code default} otherwise
 */
public record EffectivePolicy(TokenPolicy policy, String source, Set<String> blockedSubjects) {

    public boolean tenantBlocked() {
        return blockedSubjects.contains(PolicyStore.WHOLE_TENANT);
    }

    public boolean blocks(String subject) {
        return tenantBlocked() || blockedSubjects.contains(subject);
    }
}
