package dev.livetoken.problem;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits applied at the HTTP edge, before any resource runs. */
@ConfigMapping(prefix = "livetoken.http")
public interface EdgeConfig {

    /** Largest accepted request body in bytes. Default 16384: a mint request is a few hundred. */
    @WithDefault("16384")
    long maxBodySize();

    /**
     * Longest accepted request URI (path and query) in characters; 414 beyond. Default 4096. Vert.x's
     * own request-line limit ({@code quarkus.http.limits.max-initial-line-length}) is set above it.
     */
    @WithDefault("4096")
    int maxUriLength();

    /**
     * Largest accepted total of request header names and values in bytes; 431 beyond. Default
     * 16384: a JWT is a few KB. Vert.x's own limit ({@code quarkus.http.limits.max-header-size}) is set above it.
     */
    @WithDefault("16384")
    int maxHeaderSize();
}
