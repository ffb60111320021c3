package dev.livetoken.ops;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Operational settings: security headers on every answer and the access log. */
@ConfigMapping(prefix = "livetoken.ops")
public interface OpsConfig {

    /** {@code Strict-Transport-Security} settings. */
    Hsts hsts();

    /** Access log settings. */
    AccessLog accessLog();

    /** HSTS tells browsers to use HTTPS only; TLS ends at the ingress, which passes the header on. */
    interface Hsts {
        /** Send {@code Strict-Transport-Security} on every answer. Default true. */
        @WithDefault("true")
        boolean enabled();

        /** Its {@code max-age}. Default one year ({@code P365D}). */
        @WithDefault("P365D")
        Duration maxAge();
    }

    /** One line per API request on logger {@code dev.livetoken.access}. */
    interface AccessLog {
        /** Write the access line. Default true. */
        @WithDefault("true")
        boolean enabled();
    }
}
