package dev.livetoken.emulator;

import java.time.Duration;
import java.util.Set;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The built-in emulator of Google's endpoints. Off unless switched on: dev and test profiles switch
 * it on; a production deployment must never serve it by accident.
 */
@ConfigMapping(prefix = "livetoken.emulator")
public interface EmulatorConfig {

    /** Serve the emulated Google endpoints on this server. Default false (true in dev and test). */
    @WithDefault("false")
    boolean enabled();

    /** API keys the emulated {@code auth_tokens} endpoint accepts. Default {@code emulator-dev-key}. */
    @WithDefault("emulator-dev-key")
    Set<String> apiKeys();

    /** Most live tokens the emulator remembers at once; beyond it, mints get 429. Default 100000. */
    @WithDefault("100000")
    int maxTokens();

    /** Longest a Live API WebSocket connection stays open before the emulator closes it. Default 10 min (Google: about 10 min). */
    @WithDefault("PT10M")
    Duration liveConnectionLifetime();

    /** How long before that close the emulator sends {@code goAway}. Default 60 s (as Google does). */
    @WithDefault("PT60S")
    Duration liveGoAwayBefore();

    /** How long a session resumption handle stays valid. Default 2 h (as Google documents). */
    @WithDefault("PT2H")
    Duration liveResumptionHandleLifetime();

    /**
     * Honour failure injection ({@link EmulatorFaults}): per-connection faults for client tests.
     * Default false (true in dev and test); ignored in the prod profile whatever its value.
     */
    @WithDefault("false")
    boolean faultsEnabled();

    /**
     * Longest an audio-only session lasts, across resumptions, unless its setup asks for
     * {@code contextWindowCompression} (Google: 15 min, docs/live-api-protocol.md §5).
     */
    @WithDefault("PT15M")
    Duration liveSessionLimit();

    /** Frame settings of the emulated Live API WebSocket. */
    Live live();

    /** {@code livetoken.emulator.live.*}. */
    interface Live {
        /**
         * Send server messages as text frames instead of binary ones. Google sends binary frames
         * (docs/live-api-protocol.md §4), so does the emulator by default; this switch exists for
         * tests of clients that must cope with both. Default false.
         */
        @WithDefault("false")
        boolean textFrames();

        /**
         * How far the emulated translation runs behind the input: translated audio for a chunk is
         * sent this long after the chunk arrived (Live Translate runs seconds behind). Default 2 s.
         */
        @WithDefault("PT2S")
        Duration translationDelay();

        /**
         * The language the emulator "hears" when a connection does not say (the emulator cannot
         * detect languages; a connection may name one with {@code ?emulator_source_language=} or
         * the {@code X-Emulator-Source-Language} header). Default {@code en}, the sample's language.
         */
        @WithDefault("en")
        String sourceLanguage();
    }
}
