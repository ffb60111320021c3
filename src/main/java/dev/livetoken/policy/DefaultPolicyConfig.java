package dev.livetoken.policy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** The token policy applied to every tenant until per-tenant policies exist. */
@ConfigMapping(prefix = "livetoken.default-policy")
public interface DefaultPolicyConfig {

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

    /** How long a token lives ({@code expireTime}). Default 30 minutes; must be under 20 hours. */
    @WithDefault("PT30M")
    Duration tokenLifetime();

    /** How long a token may start new sessions ({@code newSessionExpireTime}). Default 1 minute. */
    @WithDefault("PT1M")
    Duration newSessionWindow();
}
