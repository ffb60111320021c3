package dev.livetoken.translate;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Platform settings of text translation ({@code POST /v1/translations}); the operator's, not a tenant's. */
@ConfigMapping(prefix = "livetoken.translate")
public interface TranslateConfig {

    /** Longest text accepted, in characters (Unicode code points). Default 5000. */
    @WithDefault("5000")
    int maxCharacters();

    /** Longest a whole translation stream may take upstream. Default 60 s. */
    @WithDefault("PT60S")
    Duration maxDuration();

    /** Pooled connections to the upstream for streams (one per live stream). Default 256. */
    @WithDefault("256")
    int maxConnections();
}
