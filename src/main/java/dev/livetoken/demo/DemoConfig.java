package dev.livetoken.demo;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The browser demo page at {@code /demo/}. */
@ConfigMapping(prefix = "livetoken.demo")
public interface DemoConfig {

    /** Serve the demo page. Default false (true in dev and test). */
    @WithDefault("false")
    boolean enabled();
}
