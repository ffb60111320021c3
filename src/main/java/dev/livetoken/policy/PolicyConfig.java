package dev.livetoken.policy;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How policies and blocks are cached, and how fast a change reaches every replica. */
@ConfigMapping(prefix = "livetoken.policy")
public interface PolicyConfig {

    /**
     * How often each replica checks the store for policy or block changes made anywhere. A change
     * takes effect everywhere within this interval plus one query. Default 1 s.
     */
    @WithDefault("PT1S")
    Duration refreshInterval();

    /** Safety net: a cached policy is re-read after this long even if no change was seen. Default 60 s. */
    @WithDefault("PT60S")
    Duration cacheTtl();

    /** Most tenants whose policy is cached. Default 10000. */
    @WithDefault("10000")
    int cacheSize();
}
