package dev.livetoken.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

import dev.livetoken.limits.SessionLimits;
import dev.livetoken.problem.FieldError;

/**
 * The operator's ceilings over every tenant policy ({@code livetoken.platform.*}), and the policy
 * fields a tenant-admin may change. Pure: {@link #violations} refuses a policy write beyond them,
 * {@link #clamp} holds a stored policy to them at mint time (a policy written before a ceiling was
 * lowered must not mint beyond today's ceiling). Serialized as-is by {@code GET /admin/v1/platform}.
 *
 * @param maxUserRatePerMinute 0 = no ceiling; otherwise a policy's rate must be 1..this (likewise the others)
 * @param sessions ceilings of the session budgets and live-token caps, shown flat in the JSON
 */
public record PlatformCeilings(
        List<String> allowedModels,
        List<String> allowedTextModels,
        int maxUses,
        long maxTokenLifetimeSeconds,
        long maxNewSessionWindowSeconds,
        boolean allowUnlocked,
        long maxUserRatePerMinute,
        long maxTenantRatePerMinute,
        long maxUserQuotaPerDay,
        long maxTenantQuotaPerDay,
        List<String> tenantAdminFields,
        @JsonUnwrapped SessionCeilings sessions,
        @JsonUnwrapped TextCeilings text) {

    /**
     * Ceilings of the daily text-translation character limits ({@code POST /v1/translations}, paid on
     * the operator's Google key). Like the others, 0 = no ceiling; a ceiling c &gt; 0 admits policy
     * values 1..c only, since a policy's 0 ("no limit") is looser than any number.
     */
    public record TextCeilings(long maxUserCharactersPerDay, long maxTenantCharactersPerDay) {

        public static final TextCeilings NONE = new TextCeilings(0, 0);
    }

    /**
     * Ceilings of the session-minutes budgets and live-token caps (docs/session-governance.md). Like
     * the rate and quota ceilings, 0 = no ceiling; a ceiling c &gt; 0 admits policy values 1..c only,
     * since a policy's 0 ("no budget", "no cap") is looser than any number.
     */
    public record SessionCeilings(
            long maxUserSessionMinutesPerDay,
            long maxTenantSessionMinutesPerDay,
            long maxLiveTokensPerUser,
            long maxLiveTokensPerTenant) {

        public static final SessionCeilings NONE = new SessionCeilings(0, 0, 0, 0);
    }

    /** Policy document fields nobody writes: the service keeps them. */
    public static final Set<String> READ_ONLY_FIELDS = Set.of("tenantId", "version", "updatedAt", "updatedBy");

    /** Every policy field a write may set, from the document itself so new fields are covered. */
    public static final Set<String> WRITABLE_FIELDS = Arrays.stream(PolicyDocument.class.getRecordComponents())
            .map(java.lang.reflect.RecordComponent::getName)
            .filter(n -> !READ_ONLY_FIELDS.contains(n))
            .collect(Collectors.toCollection(TreeSet::new));

    /** What a mint-time clamp changed: the policy said {@code policy}, the mint uses {@code applied}. */
    public record Clamp(String field, String policy, String applied, String property) {}

    /**
     * A stored policy held to today's ceilings: the policy to mint under, what was lowered, and why a
     * mint must be refused outright (a model the platform no longer allows cannot be clamped), or null.
     */
    public record Clamped(TokenPolicy policy, List<Clamp> clamps, String refusal) {}

    public PlatformCeilings {
        allowedModels = List.copyOf(allowedModels);
        allowedTextModels = List.copyOf(allowedTextModels);
        tenantAdminFields = List.copyOf(new TreeSet<>(tenantAdminFields));
        sessions = sessions == null ? SessionCeilings.NONE : sessions;
        text = text == null ? TextCeilings.NONE : text;
    }

    /** The ceilings configured under {@code livetoken.platform.*}; fails on unknown field names. */
    public static PlatformCeilings of(PlatformConfig c) {
        PlatformCeilings p = new PlatformCeilings(
                c.allowedModels().stream().map(PlatformCeilings::bareModel).toList(),
                c.allowedTextModels().stream().map(PlatformCeilings::bareModel).toList(),
                c.maxUses(),
                c.maxTokenLifetime().toSeconds(),
                c.maxNewSessionWindow().toSeconds(),
                c.allowUnlocked(),
                c.maxUserRatePerMinute(),
                c.maxTenantRatePerMinute(),
                c.maxUserQuotaPerDay(),
                c.maxTenantQuotaPerDay(),
                List.copyOf(c.tenantAdminFields()),
                new SessionCeilings(
                        c.maxUserSessionMinutesPerDay(),
                        c.maxTenantSessionMinutesPerDay(),
                        c.maxLiveTokensPerUser(),
                        c.maxLiveTokensPerTenant()),
                new TextCeilings(c.maxUserCharactersPerDay(), c.maxTenantCharactersPerDay()));
        List<String> problems = p.configProblems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid livetoken.platform settings: " + String.join("; ", problems));
        }
        return p;
    }

    /** What is wrong with the settings themselves, each naming its property. */
    List<String> configProblems() {
        List<String> out = new ArrayList<>();
        if (allowedModels.isEmpty() || allowedModels.stream().anyMatch(String::isBlank)) {
            out.add("livetoken.platform.allowed-models must name at least one model");
        }
        if (allowedTextModels.isEmpty() || allowedTextModels.stream().anyMatch(String::isBlank)) {
            out.add("livetoken.platform.allowed-text-models must name at least one model");
        }
        if (maxUses < 1 || maxUses > 1000) {
            out.add("livetoken.platform.max-uses must be between 1 and 1000");
        }
        long google = TokenPolicy.UPSTREAM_MAX_LIFETIME.toSeconds();
        if (maxTokenLifetimeSeconds < 1 || maxTokenLifetimeSeconds >= google) {
            out.add("livetoken.platform.max-token-lifetime must be positive and under 20 hours");
        }
        if (maxNewSessionWindowSeconds < 1 || maxNewSessionWindowSeconds >= google) {
            out.add("livetoken.platform.max-new-session-window must be positive and under 20 hours");
        }
        if (maxUserRatePerMinute < 0
                || maxTenantRatePerMinute < 0
                || maxUserQuotaPerDay < 0
                || maxTenantQuotaPerDay < 0) {
            out.add("livetoken.platform.max-*-rate-per-minute and max-*-quota-per-day must be 0 (no ceiling) or more");
        }
        if (sessions.maxUserSessionMinutesPerDay() < 0
                || sessions.maxTenantSessionMinutesPerDay() < 0
                || sessions.maxLiveTokensPerUser() < 0
                || sessions.maxLiveTokensPerTenant() < 0) {
            out.add(
                    "livetoken.platform.max-*-session-minutes-per-day and max-live-tokens-per-* must be 0 (no ceiling) or more");
        }
        if (text.maxUserCharactersPerDay() < 0 || text.maxTenantCharactersPerDay() < 0) {
            out.add("livetoken.platform.max-*-characters-per-day must be 0 (no ceiling) or more");
        }
        for (String f : tenantAdminFields) {
            if (!WRITABLE_FIELDS.contains(f)) {
                out.add("livetoken.platform.tenant-admin-fields names unknown policy field '" + f + "' (known: "
                        + String.join(",", WRITABLE_FIELDS) + ")");
            }
        }
        return out;
    }

    @JsonIgnore
    public boolean tenantAdminMayChange(String field) {
        return tenantAdminFields.contains(field);
    }

    public boolean allowsModel(String model) {
        return model != null && allowedModels.contains(bareModel(model));
    }

    /** Whether text translations may use {@code model} ({@code livetoken.platform.allowed-text-models}). */
    public boolean allowsTextModel(String model) {
        return model != null && allowedTextModels.contains(bareModel(model));
    }

    /** Every field of {@code p} beyond a ceiling, naming the ceiling and its property. */
    public List<FieldError> violations(TokenPolicy p) {
        List<FieldError> out = new ArrayList<>();
        if (!allowsModel(p.model())) {
            out.add(new FieldError(
                    "model",
                    "must be one of " + allowedModels
                            + ", the platform's allowed models (livetoken.platform.allowed-models)"));
        }
        if (!allowsTextModel(p.textModel())) {
            out.add(new FieldError(
                    "textModel",
                    "must be one of " + allowedTextModels
                            + ", the platform's allowed text models (livetoken.platform.allowed-text-models)"));
        }
        if (p.lockMode() == LockMode.UNLOCKED && !allowUnlocked) {
            out.add(new FieldError(
                    "lockMode",
                    "must be LOCKED: the platform does not allow UNLOCKED tokens "
                            + "(livetoken.platform.allow-unlocked)"));
        }
        atMost(out, "defaultUses", p.defaultUses(), maxUses, "max-uses");
        atMost(out, "maxUses", p.maxUses(), maxUses, "max-uses");
        atMost(
                out,
                "tokenLifetimeSeconds",
                p.tokenLifetime().toSeconds(),
                maxTokenLifetimeSeconds,
                "max-token-lifetime");
        atMost(
                out,
                "maxTokenLifetimeSeconds",
                p.maxTokenLifetime().toSeconds(),
                maxTokenLifetimeSeconds,
                "max-token-lifetime");
        atMost(
                out,
                "newSessionWindowSeconds",
                p.newSessionWindow().toSeconds(),
                maxNewSessionWindowSeconds,
                "max-new-session-window");
        atMost(
                out,
                "maxNewSessionWindowSeconds",
                p.maxNewSessionWindow().toSeconds(),
                maxNewSessionWindowSeconds,
                "max-new-session-window");
        limit(out, "userRatePerMinute", p.userRatePerMinute(), maxUserRatePerMinute, "max-user-rate-per-minute");
        limit(
                out,
                "tenantRatePerMinute",
                p.tenantRatePerMinute(),
                maxTenantRatePerMinute,
                "max-tenant-rate-per-minute");
        limit(out, "userQuotaPerDay", p.userQuotaPerDay(), maxUserQuotaPerDay, "max-user-quota-per-day");
        limit(out, "tenantQuotaPerDay", p.tenantQuotaPerDay(), maxTenantQuotaPerDay, "max-tenant-quota-per-day");
        SessionLimits s = p.sessionLimits();
        limit(
                out,
                "userSessionMinutesPerDay",
                s.userSessionMinutesPerDay(),
                sessions.maxUserSessionMinutesPerDay(),
                "max-user-session-minutes-per-day");
        limit(
                out,
                "tenantSessionMinutesPerDay",
                s.tenantSessionMinutesPerDay(),
                sessions.maxTenantSessionMinutesPerDay(),
                "max-tenant-session-minutes-per-day");
        limit(
                out,
                "maxLiveTokensPerUser",
                s.maxLiveTokensPerUser(),
                sessions.maxLiveTokensPerUser(),
                "max-live-tokens-per-user");
        limit(
                out,
                "maxLiveTokensPerTenant",
                s.maxLiveTokensPerTenant(),
                sessions.maxLiveTokensPerTenant(),
                "max-live-tokens-per-tenant");
        limit(
                out,
                "userCharactersPerDay",
                p.userCharactersPerDay(),
                text.maxUserCharactersPerDay(),
                "max-user-characters-per-day");
        limit(
                out,
                "tenantCharactersPerDay",
                p.tenantCharactersPerDay(),
                text.maxTenantCharactersPerDay(),
                "max-tenant-characters-per-day");
        return out;
    }

    /**
     * {@code p} lowered to today's ceilings. Numbers are clamped to their ceiling ("no limit" to the
     * ceiling when there is one), UNLOCKED becomes LOCKED on the policy's default language; a model
     * the platform no longer allows cannot be clamped, so the mint is refused.
     */
    public Clamped clamp(TokenPolicy p) {
        List<Clamp> clamps = new ArrayList<>(0);
        int maxU = (int) lower(clamps, "maxUses", p.maxUses(), maxUses, "max-uses");
        int defaultU = (int) lower(clamps, "defaultUses", p.defaultUses(), maxU, "max-uses");
        long maxLife = lower(
                clamps,
                "maxTokenLifetimeSeconds",
                p.maxTokenLifetime().toSeconds(),
                maxTokenLifetimeSeconds,
                "max-token-lifetime");
        long life = lower(clamps, "tokenLifetimeSeconds", p.tokenLifetime().toSeconds(), maxLife, "max-token-lifetime");
        long maxWindow = lower(
                clamps,
                "maxNewSessionWindowSeconds",
                p.maxNewSessionWindow().toSeconds(),
                Math.min(maxNewSessionWindowSeconds, maxLife),
                "max-new-session-window");
        long window = lower(
                clamps,
                "newSessionWindowSeconds",
                p.newSessionWindow().toSeconds(),
                maxWindow,
                "max-new-session-window");
        LockMode lock = p.lockMode();
        if (lock == LockMode.UNLOCKED && !allowUnlocked) {
            lock = LockMode.LOCKED;
            clamps.add(new Clamp("lockMode", "UNLOCKED", "LOCKED", "livetoken.platform.allow-unlocked"));
        }
        long userRate = lowerLimit(
                clamps, "userRatePerMinute", p.userRatePerMinute(), maxUserRatePerMinute, "max-user-rate-per-minute");
        long tenantRate = lowerLimit(
                clamps,
                "tenantRatePerMinute",
                p.tenantRatePerMinute(),
                maxTenantRatePerMinute,
                "max-tenant-rate-per-minute");
        long userQuota = lowerLimit(
                clamps, "userQuotaPerDay", p.userQuotaPerDay(), maxUserQuotaPerDay, "max-user-quota-per-day");
        long tenantQuota = lowerLimit(
                clamps, "tenantQuotaPerDay", p.tenantQuotaPerDay(), maxTenantQuotaPerDay, "max-tenant-quota-per-day");
        SessionLimits s = p.sessionLimits();
        SessionLimits heldSessions = new SessionLimits(
                lowerLimit(
                        clamps,
                        "userSessionMinutesPerDay",
                        s.userSessionMinutesPerDay(),
                        sessions.maxUserSessionMinutesPerDay(),
                        "max-user-session-minutes-per-day"),
                lowerLimit(
                        clamps,
                        "tenantSessionMinutesPerDay",
                        s.tenantSessionMinutesPerDay(),
                        sessions.maxTenantSessionMinutesPerDay(),
                        "max-tenant-session-minutes-per-day"),
                lowerLimit(
                        clamps,
                        "maxLiveTokensPerUser",
                        s.maxLiveTokensPerUser(),
                        sessions.maxLiveTokensPerUser(),
                        "max-live-tokens-per-user"),
                lowerLimit(
                        clamps,
                        "maxLiveTokensPerTenant",
                        s.maxLiveTokensPerTenant(),
                        sessions.maxLiveTokensPerTenant(),
                        "max-live-tokens-per-tenant"));
        long userCharacters = lowerLimit(
                clamps,
                "userCharactersPerDay",
                p.userCharactersPerDay(),
                text.maxUserCharactersPerDay(),
                "max-user-characters-per-day");
        long tenantCharacters = lowerLimit(
                clamps,
                "tenantCharactersPerDay",
                p.tenantCharactersPerDay(),
                text.maxTenantCharactersPerDay(),
                "max-tenant-characters-per-day");
        String refusal = allowsModel(p.model())
                ? null
                : "The policy names model '" + p.model()
                        + "', which the platform no longer allows (livetoken.platform.allowed-models).";
        if (clamps.isEmpty()) {
            return new Clamped(p, List.of(), refusal);
        }
        TokenPolicy held = new TokenPolicy(
                p.tenantId(),
                p.enabled(),
                p.model(),
                lock,
                p.allowedTargetLanguages(),
                p.defaultTargetLanguage(),
                p.echoTargetLanguage(),
                p.echoOverridable(),
                defaultU,
                maxU,
                Duration.ofSeconds(life),
                Duration.ofSeconds(maxLife),
                Duration.ofSeconds(window),
                Duration.ofSeconds(maxWindow),
                userRate,
                tenantRate,
                userQuota,
                tenantQuota,
                p.version(),
                p.textModel(),
                userCharacters,
                tenantCharacters,
                heldSessions,
                p.interpreter());
        return new Clamped(held, List.copyOf(clamps), refusal);
    }

    /** Model names are compared without the API's {@code models/} prefix and case. */
    static String bareModel(String model) {
        return dev.livetoken.upstream.ModelNames.comparable(model);
    }

    private static void atMost(List<FieldError> out, String field, long value, long ceiling, String property) {
        if (value > ceiling) {
            out.add(new FieldError(
                    field,
                    "must be at most " + ceiling + ", the platform's ceiling (livetoken.platform." + property + ")"));
        }
    }

    private static void limit(List<FieldError> out, String field, long value, long ceiling, String property) {
        if (ceiling > 0 && (value == 0 || value > ceiling)) {
            out.add(new FieldError(
                    field,
                    "must be between 1 and " + ceiling + ", the platform's ceiling (livetoken.platform." + property
                            + "); 0 (no limit) is above it"));
        }
    }

    private static long lower(List<Clamp> clamps, String field, long value, long ceiling, String property) {
        if (value <= ceiling) {
            return value;
        }
        clamps.add(new Clamp(field, String.valueOf(value), String.valueOf(ceiling), "livetoken.platform." + property));
        return ceiling;
    }

    private static long lowerLimit(List<Clamp> clamps, String field, long value, long ceiling, String property) {
        if (ceiling == 0 || (value != 0 && value <= ceiling)) {
            return value;
        }
        clamps.add(new Clamp(
                field,
                value == 0 ? "0 (no limit)" : String.valueOf(value),
                String.valueOf(ceiling),
                "livetoken.platform." + property));
        return ceiling;
    }
}
