package dev.livetoken.problem;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits applied at the HTTP edge, before any resource runs. */
@ConfigMapping(prefix = "livetoken.http")
public interface EdgeConfig {

    /** Largest accepted request body in bytes. Default 16384: a mint request is a few hundred. */
    @WithDefault("16384")
    long maxBodySize();
}
