package dev.livetoken.upstream;

import java.net.URI;
import java.time.Duration;

import io.vertx.core.http.HttpClientOptions;

/**
 * How the service's HTTP clients reach a Google endpoint named by a base URL (Google's API, or the
 * emulator in dev and test): one rule for host, port, TLS and path prefix, whichever call it is.
 */
public final class UpstreamHttp {

    private UpstreamHttp() {}

    /**
     * Client options for {@code baseUrl}: its host and port (the scheme's default when it names none),
     * TLS with host verification for {@code https}, keep-alive, no compression; {@code name} names the
     * client in Vert.x metrics and logs.
     */
    public static HttpClientOptions options(URI baseUrl, Duration connectTimeout, String name) {
        boolean tls = "https".equalsIgnoreCase(baseUrl.getScheme());
        return new HttpClientOptions()
                .setDefaultHost(baseUrl.getHost())
                .setDefaultPort(baseUrl.getPort() > 0 ? baseUrl.getPort() : (tls ? 443 : 80))
                .setSsl(tls)
                .setVerifyHost(true)
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                .setTryUseCompression(false)
                .setName(name);
    }

    /** The base URL's path without trailing slashes, to put before every API path ({@code ""} for none). */
    public static String pathPrefix(URI baseUrl) {
        return baseUrl.getPath() == null ? "" : baseUrl.getPath().replaceAll("/+$", "");
    }
}
