package dev.livetoken.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The operator's ceilings ({@code livetoken.platform.*}): every tenant policy, whoever writes it,
 * stays within them, and every mint is held to them even under a policy stored before they were
 * lowered. Limits of 0 mean "no ceiling".
 */
@ConfigMapping(prefix = "livetoken.platform")
public interface PlatformConfig {

    /** Models a policy may name. Default: the Live Translate model only. */
    @WithDefault("gemini-3.5-live-translate-preview")
    List<String> allowedModels();

    /** Text models a policy's {@code textModel} may name ({@code POST /v1/translations}). Default: {@code gemini-3.1-flash-lite}. */
    @WithDefault("gemini-3.1-flash-lite")
    List<String> allowedTextModels();

    /** Most sessions a token may allow ({@code maxUses}). Default 10. */
    @WithDefault("10")
    int maxUses();

    /** Longest token lifetime a policy may allow ({@code maxTokenLifetimeSeconds}). Default 1 hour. */
    @WithDefault("PT1H")
    Duration maxTokenLifetime();

    /** Longest new-session window a policy may allow ({@code maxNewSessionWindowSeconds}). Default 10 minutes. */
    @WithDefault("PT10M")
    Duration maxNewSessionWindow();

    /** Whether a policy may be UNLOCKED (the device picks its language). Default false. */
    @WithDefault("false")
    boolean allowUnlocked();

    /** Highest per-user rate a policy may set; when set (not 0), "no limit" is refused too. Default 0: no ceiling. */
    @WithDefault("0")
    long maxUserRatePerMinute();

    /** Highest per-tenant rate a policy may set; 0 = no ceiling. Default 0. */
    @WithDefault("0")
    long maxTenantRatePerMinute();

    /** Highest per-user daily quota a policy may set; 0 = no ceiling. Default 0. */
    @WithDefault("0")
    long maxUserQuotaPerDay();

    /** Highest per-tenant daily quota a policy may set; 0 = no ceiling. Default 0. */
    @WithDefault("0")
    long maxTenantQuotaPerDay();

    /**
     * Highest per-user daily text-translation characters a policy may set ({@code userCharactersPerDay},
     * {@code POST /v1/translations} on the operator's key); when set (not 0), "no limit" is refused
     * too. Default 0: no ceiling.
     */
    @WithDefault("0")
    long maxUserCharactersPerDay();

    /** Highest per-tenant daily text-translation characters ({@code tenantCharactersPerDay}); 0 = no ceiling. Default 0. */
    @WithDefault("0")
    long maxTenantCharactersPerDay();

    /**
     * Highest per-user daily session-minutes budget a policy may set ({@code userSessionMinutesPerDay});
     * when set (not 0), "no budget" is refused too. Default 0: no ceiling.
     */
    @WithDefault("0")
    long maxUserSessionMinutesPerDay();

    /** Highest per-tenant daily session-minutes budget ({@code tenantSessionMinutesPerDay}); 0 = no ceiling. Default 0. */
    @WithDefault("0")
    long maxTenantSessionMinutesPerDay();

    /** Highest per-user live-token cap ({@code maxLiveTokensPerUser}); when set, "no cap" is refused too. Default 0. */
    @WithDefault("0")
    long maxLiveTokensPerUser();

    /** Highest per-tenant live-token cap ({@code maxLiveTokensPerTenant}); 0 = no ceiling. Default 0. */
    @WithDefault("0")
    long maxLiveTokensPerTenant();

    /**
     * Policy fields a tenant-admin may change on its own tenant; every other field is the
     * platform's. Default: all but {@code model}, {@code lockMode}, {@code tenantRatePerMinute} and
     * {@code tenantQuotaPerDay}, {@code textModel}, {@code tenantCharactersPerDay},
     * {@code tenantSessionMinutesPerDay}, {@code maxLiveTokensPerTenant}, {@code interpreterModel} and
     * {@code interpreterInstructionTemplate}: a tenant-admin may switch interpreter conversations on
     * (the model and instruction it gets stay the platform's; docs/conversations.md says why).
     */
    @WithDefault("enabled,allowedTargetLanguages,defaultTargetLanguage,echoTargetLanguage,echoOverridable,"
            + "defaultUses,maxUses,tokenLifetimeSeconds,maxTokenLifetimeSeconds,newSessionWindowSeconds,"
            + "maxNewSessionWindowSeconds,userRatePerMinute,userQuotaPerDay,userCharactersPerDay,"
            + "userSessionMinutesPerDay,maxLiveTokensPerUser,interpreterEnabled")
    Set<String> tenantAdminFields();
}
