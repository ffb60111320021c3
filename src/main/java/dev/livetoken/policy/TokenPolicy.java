package dev.livetoken.policy;

import java.time.Duration;
import java.util.Set;

import dev.livetoken.limits.LimitSettings;
import dev.livetoken.limits.SessionLimits;

/**
 * What a tenant's callers may mint, and how much. Immutable: every change makes a new version.
 *
 * @param tenantId the tenant this policy is stored under ({@code default} for the fallback)
 * @param allowedTargetLanguages canonical codes; empty means every supported language
 * @param echoOverridable whether a caller may ask for the other echo setting
 * @param userRatePerMinute mints per user per UTC minute; 0 means no limit (likewise the others)
 * @param textModel model of text translations ({@code POST /v1/translations})
 * @param userCharactersPerDay characters a user may translate per UTC day; 0 means no limit
 * @param tenantCharactersPerDay characters the whole tenant may translate per UTC day; 0 means no limit
 * @param sessionLimits session-minute budgets and live-token caps (never null; {@link SessionLimits#NONE} for none)
 * @param interpreter interpreter conversations (docs/conversations.md); null means {@link InterpreterPolicy#DEFAULT}
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
        Duration maxTokenLifetime,
        Duration newSessionWindow,
        Duration maxNewSessionWindow,
        long userRatePerMinute,
        long tenantRatePerMinute,
        long userQuotaPerDay,
        long tenantQuotaPerDay,
        long version,
        String textModel,
        long userCharactersPerDay,
        long tenantCharactersPerDay,
        SessionLimits sessionLimits,
        InterpreterPolicy interpreter)
        implements LimitSettings {

    /** Google refuses expiry times 20 hours or more ahead. */
    public static final Duration UPSTREAM_MAX_LIFETIME = Duration.ofHours(20);

    /** The tenant id of the fallback policy for tenants without one of their own. */
    public static final String DEFAULT_TENANT = "default";

    public TokenPolicy {
        allowedTargetLanguages = Set.copyOf(allowedTargetLanguages);
        sessionLimits = sessionLimits == null ? SessionLimits.NONE : sessionLimits;
        interpreter = interpreter == null ? InterpreterPolicy.DEFAULT : interpreter;
    }

    public boolean allowsLanguage(String canonicalCode) {
        return allowedTargetLanguages.isEmpty() || allowedTargetLanguages.contains(canonicalCode);
    }
}
