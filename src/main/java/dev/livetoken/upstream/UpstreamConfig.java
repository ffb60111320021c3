package dev.livetoken.upstream;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where and how the service reaches Google's {@code auth_tokens} endpoint (or the emulator). */
@ConfigMapping(prefix = "livetoken.upstream")
public interface UpstreamConfig {

    /**
     * Base URL of the Gemini API. Default {@code https://generativelanguage.googleapis.com};
     * dev and test point it at the built-in emulator on this same server.
     */
    @WithDefault("https://generativelanguage.googleapis.com")
    String baseUrl();

    /** The Gemini API key, normally from {@code GEMINI_API_KEY}. Never logged or returned. */
    Optional<String> apiKey();

    /** Time allowed to open a connection to the upstream. Default 2 s. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /** Time allowed for the upstream to answer once connected. Default 5 s. */
    @WithDefault("PT5S")
    Duration readTimeout();

    /** Largest number of pooled connections to the upstream. Default 64. */
    @WithDefault("64")
    int maxConnections();

    /** {@code Retry-After} given to callers when the upstream is down or throttling and says nothing itself. Default 5 s. */
    @WithDefault("PT5S")
    Duration retryAfter();
}
