package dev.livetoken.support;

import java.time.Duration;
import java.util.Set;

import dev.livetoken.limits.SessionLimits;
import dev.livetoken.policy.InterpreterPolicy;
import dev.livetoken.policy.LockMode;
import dev.livetoken.policy.TokenPolicy;

/**
 * Policies as tests build them, naming only what the test is about:
 * {@code Policies.defaults().withModel("gemini-2.5-pro").withLockMode(LockMode.UNLOCKED).build()}.
 * {@link TokenPolicy} has two dozen components; production code builds it from a document, the
 * configuration or a clamp, so it keeps no shorter constructors for tests.
 */
public final class Policies {

    /** The live model the test configuration allows. */
    public static final String LIVE_MODEL = "gemini-3.5-live-translate-preview";

    /** The text model the test configuration allows. */
    public static final String TEXT_MODEL = "gemini-3.1-flash-lite";

    private Policies() {}

    /**
     * A valid policy of tenant {@code acme}, version 1: enabled, {@link #LIVE_MODEL} locked, every
     * language (default {@code es}, no echo, overridable), 1 use (at most 10), 30-minute tokens (at
     * most an hour), a 1-minute new-session window (at most 10), {@link #TEXT_MODEL}, and no limits,
     * session budgets, live-token caps or interpreter settings.
     */
    public static Builder defaults() {
        return new Builder();
    }

    /** Starts from {@code p}: every component as it is there. */
    public static Builder from(TokenPolicy p) {
        Builder b = new Builder();
        b.tenantId = p.tenantId();
        b.enabled = p.enabled();
        b.model = p.model();
        b.lockMode = p.lockMode();
        b.allowedTargetLanguages = p.allowedTargetLanguages();
        b.defaultTargetLanguage = p.defaultTargetLanguage();
        b.echoTargetLanguage = p.echoTargetLanguage();
        b.echoOverridable = p.echoOverridable();
        b.defaultUses = p.defaultUses();
        b.maxUses = p.maxUses();
        b.tokenLifetime = p.tokenLifetime();
        b.maxTokenLifetime = p.maxTokenLifetime();
        b.newSessionWindow = p.newSessionWindow();
        b.maxNewSessionWindow = p.maxNewSessionWindow();
        b.userRatePerMinute = p.userRatePerMinute();
        b.tenantRatePerMinute = p.tenantRatePerMinute();
        b.userQuotaPerDay = p.userQuotaPerDay();
        b.tenantQuotaPerDay = p.tenantQuotaPerDay();
        b.version = p.version();
        b.textModel = p.textModel();
        b.userCharactersPerDay = p.userCharactersPerDay();
        b.tenantCharactersPerDay = p.tenantCharactersPerDay();
        b.sessionLimits = p.sessionLimits();
        b.interpreter = p.interpreter();
        return b;
    }

    /** One {@link TokenPolicy} in the making; each {@code withX} sets component {@code x}. */
    public static final class Builder {
        private String tenantId = "acme";
        private boolean enabled = true;
        private String model = LIVE_MODEL;
        private LockMode lockMode = LockMode.LOCKED;
        private Set<String> allowedTargetLanguages = Set.of();
        private String defaultTargetLanguage = "es";
        private boolean echoTargetLanguage = false;
        private boolean echoOverridable = true;
        private int defaultUses = 1;
        private int maxUses = 10;
        private Duration tokenLifetime = Duration.ofMinutes(30);
        private Duration maxTokenLifetime = Duration.ofHours(1);
        private Duration newSessionWindow = Duration.ofMinutes(1);
        private Duration maxNewSessionWindow = Duration.ofMinutes(10);
        private long userRatePerMinute;
        private long tenantRatePerMinute;
        private long userQuotaPerDay;
        private long tenantQuotaPerDay;
        private long version = 1;
        private String textModel = TEXT_MODEL;
        private long userCharactersPerDay;
        private long tenantCharactersPerDay;
        private SessionLimits sessionLimits = SessionLimits.NONE;
        private InterpreterPolicy interpreter = InterpreterPolicy.DEFAULT;

        private Builder() {}

        public Builder withTenantId(String v) {
            tenantId = v;
            return this;
        }

        public Builder withEnabled(boolean v) {
            enabled = v;
            return this;
        }

        public Builder withModel(String v) {
            model = v;
            return this;
        }

        public Builder withLockMode(LockMode v) {
            lockMode = v;
            return this;
        }

        public Builder withAllowedTargetLanguages(Set<String> v) {
            allowedTargetLanguages = v;
            return this;
        }

        public Builder withDefaultTargetLanguage(String v) {
            defaultTargetLanguage = v;
            return this;
        }

        public Builder withEchoTargetLanguage(boolean v) {
            echoTargetLanguage = v;
            return this;
        }

        public Builder withEchoOverridable(boolean v) {
            echoOverridable = v;
            return this;
        }

        /** {@code defaultUses} and {@code maxUses}. */
        public Builder withUses(int defaultUses, int maxUses) {
            this.defaultUses = defaultUses;
            this.maxUses = maxUses;
            return this;
        }

        /** {@code tokenLifetime} and {@code maxTokenLifetime}. */
        public Builder withTokenLifetime(Duration lifetime, Duration max) {
            tokenLifetime = lifetime;
            maxTokenLifetime = max;
            return this;
        }

        /** {@code newSessionWindow} and {@code maxNewSessionWindow}. */
        public Builder withNewSessionWindow(Duration window, Duration max) {
            newSessionWindow = window;
            maxNewSessionWindow = max;
            return this;
        }

        public Builder withUserRatePerMinute(long v) {
            userRatePerMinute = v;
            return this;
        }

        public Builder withTenantRatePerMinute(long v) {
            tenantRatePerMinute = v;
            return this;
        }

        public Builder withUserQuotaPerDay(long v) {
            userQuotaPerDay = v;
            return this;
        }

        public Builder withTenantQuotaPerDay(long v) {
            tenantQuotaPerDay = v;
            return this;
        }

        /** Every mint rate and quota (0 = none), in the record's order. */
        public Builder withMintLimits(long userRate, long tenantRate, long userQuota, long tenantQuota) {
            return withUserRatePerMinute(userRate)
                    .withTenantRatePerMinute(tenantRate)
                    .withUserQuotaPerDay(userQuota)
                    .withTenantQuotaPerDay(tenantQuota);
        }

        public Builder withVersion(long v) {
            version = v;
            return this;
        }

        public Builder withTextModel(String v) {
            textModel = v;
            return this;
        }

        public Builder withUserCharactersPerDay(long v) {
            userCharactersPerDay = v;
            return this;
        }

        public Builder withTenantCharactersPerDay(long v) {
            tenantCharactersPerDay = v;
            return this;
        }

        public Builder withSessionLimits(SessionLimits v) {
            sessionLimits = v;
            return this;
        }

        public Builder withInterpreter(InterpreterPolicy v) {
            interpreter = v;
            return this;
        }

        public TokenPolicy build() {
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
                    interpreter);
        }
    }
}
