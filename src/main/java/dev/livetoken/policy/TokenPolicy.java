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

    /** A policy without session budgets, live-token caps or interpreter settings, for tests and fixtures. */
    public TokenPolicy(
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
            long tenantCharactersPerDay) {
        this(
                tenantId,
                enabled,
                model,
                lockMode,
                allowedTargetLanguages,
                defaultTargetLanguage,
                echoTargetLanguage,
                echoOverridable,
                defaultUses,
                maxUses,
                tokenLifetime,
                maxTokenLifetime,
                newSessionWindow,
                maxNewSessionWindow,
                userRatePerMinute,
                tenantRatePerMinute,
                userQuotaPerDay,
                tenantQuotaPerDay,
                version,
                textModel,
                userCharactersPerDay,
                tenantCharactersPerDay,
                SessionLimits.NONE,
                InterpreterPolicy.DEFAULT);
    }

    /** A policy with session limits and no interpreter settings, for tests and fixtures. */
    public TokenPolicy(
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
            SessionLimits sessionLimits) {
        this(
                tenantId,
                enabled,
                model,
                lockMode,
                allowedTargetLanguages,
                defaultTargetLanguage,
                echoTargetLanguage,
                echoOverridable,
                defaultUses,
                maxUses,
                tokenLifetime,
                maxTokenLifetime,
                newSessionWindow,
                maxNewSessionWindow,
                userRatePerMinute,
                tenantRatePerMinute,
                userQuotaPerDay,
                tenantQuotaPerDay,
                version,
                textModel,
                userCharactersPerDay,
                tenantCharactersPerDay,
                sessionLimits,
                InterpreterPolicy.DEFAULT);
    }

    /** A policy with interpreter settings and no session limits, for tests and fixtures. */
    public TokenPolicy(
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
            InterpreterPolicy interpreter) {
        this(
                tenantId,
                enabled,
                model,
                lockMode,
                allowedTargetLanguages,
                defaultTargetLanguage,
                echoTargetLanguage,
                echoOverridable,
                defaultUses,
                maxUses,
                tokenLifetime,
                maxTokenLifetime,
                newSessionWindow,
                maxNewSessionWindow,
                userRatePerMinute,
                tenantRatePerMinute,
                userQuotaPerDay,
                tenantQuotaPerDay,
                version,
                textModel,
                userCharactersPerDay,
                tenantCharactersPerDay,
                SessionLimits.NONE,
                interpreter);
    }

    /** This policy with other session limits (same version). */
    public TokenPolicy withSessionLimits(SessionLimits limits) {
        return new TokenPolicy(
                tenantId,
                enabled,
                model,
                lockMode,
                allowedTargetLanguages,
                defaultTargetLanguage,
                echoTargetLanguage,
                echoOverridable,
                defaultUses,
                maxUses,
                tokenLifetime,
                maxTokenLifetime,
                newSessionWindow,
                maxNewSessionWindow,
                userRatePerMinute,
                tenantRatePerMinute,
                userQuotaPerDay,
                tenantQuotaPerDay,
                version,
                textModel,
                userCharactersPerDay,
                tenantCharactersPerDay,
                limits,
                interpreter);
    }

    /** This policy with other interpreter settings (same version). */
    public TokenPolicy withInterpreter(InterpreterPolicy settings) {
        return new TokenPolicy(
                tenantId,
                enabled,
                model,
                lockMode,
                allowedTargetLanguages,
                defaultTargetLanguage,
                echoTargetLanguage,
                echoOverridable,
                defaultUses,
                maxUses,
                tokenLifetime,
                maxTokenLifetime,
                newSessionWindow,
                maxNewSessionWindow,
                userRatePerMinute,
                tenantRatePerMinute,
                userQuotaPerDay,
                tenantQuotaPerDay,
                version,
                textModel,
                userCharactersPerDay,
                tenantCharactersPerDay,
                sessionLimits,
                settings);
    }

    public boolean allowsLanguage(String canonicalCode) {
        return allowedTargetLanguages.isEmpty() || allowedTargetLanguages.contains(canonicalCode);
    }
}
