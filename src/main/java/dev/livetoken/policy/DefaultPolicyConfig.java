package dev.livetoken.policy;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Defaults for every policy field: they fill in whatever a policy document leaves out, and, when
 * {@link #seed()} is on, make the {@code default} tenant policy on first start.
 */
@ConfigMapping(prefix = "livetoken.default-policy")
public interface DefaultPolicyConfig {

    /** Create the {@code default} policy from these values if none is stored. Default false (true in dev and test). */
    @WithDefault("false")
    boolean seed();

    /** Whether minting is allowed at all. Default true. */
    @WithDefault("true")
    boolean enabled();

    /** Live Translate model the tokens are locked to. Default {@code gemini-3.5-live-translate-preview}. */
    @WithDefault("gemini-3.5-live-translate-preview")
    String model();

    /** LOCKED (the service picks the language) or UNLOCKED (the device does). Default LOCKED. */
    @WithDefault("LOCKED")
    LockMode lockMode();

    /** Target languages callers may ask for; unset means all supported ones. */
    Optional<Set<String>> allowedTargetLanguages();

    /** Target language when the request names none. Default {@code en}. */
    @WithDefault("en")
    String defaultTargetLanguage();

    /** Whether speech already in the target language is echoed. Default false. */
    @WithDefault("false")
    boolean echoTargetLanguage();

    /** Whether a request may choose the echo setting itself. Default true. */
    @WithDefault("true")
    boolean echoOverridable();

    /** Sessions a token allows when the request does not say. Default 1. */
    @WithDefault("1")
    int defaultUses();

    /** Most sessions a request may ask for. Default 10. */
    @WithDefault("10")
    int maxUses();

    /** How long a token lives ({@code expireTime}) unless the request asks otherwise. Default 30 minutes. */
    @WithDefault("PT30M")
    Duration tokenLifetime();

    /** Longest lifetime a request may ask for. Default 1 hour; always under 20 hours. */
    @WithDefault("PT1H")
    Duration maxTokenLifetime();

    /** How long a token may start new sessions ({@code newSessionExpireTime}). Default 1 minute. */
    @WithDefault("PT1M")
    Duration newSessionWindow();

    /** Longest new-session window a request may ask for. Default 10 minutes. */
    @WithDefault("PT10M")
    Duration maxNewSessionWindow();

    /** Mints per user per UTC minute; 0 = no limit. Default 10. */
    @WithDefault("10")
    long userRatePerMinute();

    /** Mints per tenant per UTC minute; 0 = no limit. Default 0. */
    @WithDefault("0")
    long tenantRatePerMinute();

    /** Mints per user per UTC day; 0 = no limit. Default 200. */
    @WithDefault("200")
    long userQuotaPerDay();

    /** Mints per tenant per UTC day; 0 = no limit. Default 0. */
    @WithDefault("0")
    long tenantQuotaPerDay();

    /** Model of text translations ({@code POST /v1/translations}). Default {@code gemini-3.1-flash-lite}. */
    @WithDefault("gemini-3.1-flash-lite")
    String textModel();

    /** Characters a user may translate per UTC day; 0 = no limit. Default 100000. */
    @WithDefault("100000")
    long userCharactersPerDay();

    /** Characters a tenant may translate per UTC day; 0 = no limit. Default 0. */
    @WithDefault("0")
    long tenantCharactersPerDay();
}
