package dev.livetoken.sessions;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How session reports ({@code POST /v1/sessions}) are checked against their token. */
@ConfigMapping(prefix = "livetoken.sessions")
public interface SessionsConfig {

    /**
     * How far a device's clock may be off: a reported time may lie this much before the mint, after
     * the token's last moment, or in the future, and still be accepted
     * (env {@code LIVETOKEN_SESSIONS_CLOCK_SKEW}).
     */
    @WithDefault("PT1M")
    Duration clockSkew();

    /**
     * How long the last connection of a token may outlive it: Google closes a Live connection about
     * 10 minutes after it opens (docs/live-api-protocol.md §5), so a session may end up to this long
     * after its token's {@code expireTime} (env {@code LIVETOKEN_SESSIONS_CONNECTION_TAIL}).
     */
    @WithDefault("PT10M")
    Duration connectionTail();
}
