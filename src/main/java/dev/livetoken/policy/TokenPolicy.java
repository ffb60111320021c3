package dev.livetoken.policy;

import java.time.Duration;
import java.util.Set;

/**
 * What a tenant's callers may mint. Immutable: a change makes a new version.
 *
 * @param allowedTargetLanguages canonical codes; empty means every supported language
 * @param echoOverridable whether a caller may ask for the other echo setting
 */
public record TokenPolicy(
        String tenantId,
        boolean enabled,
        String model,
        LockMode lockMode,
        Set<String> allowedTargetLanguages,
        String defaultTargetLanguage,
        boolean echoTargetLanguage,
        boolean echoOverridable,
        int defaultUses,
        int maxUses,
        Duration tokenLifetime,
        Duration newSessionWindow,
        long version) {

    /** Google refuses expiry times 20 hours or more ahead. */
    public static final Duration UPSTREAM_MAX_LIFETIME = Duration.ofHours(20);

    public TokenPolicy {
        allowedTargetLanguages = Set.copyOf(allowedTargetLanguages);
    }

    public boolean allowsLanguage(String canonicalCode) {
        return allowedTargetLanguages.isEmpty() || allowedTargetLanguages.contains(canonicalCode);
    }
}
