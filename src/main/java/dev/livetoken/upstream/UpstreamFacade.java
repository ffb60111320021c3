package dev.livetoken.upstream;

import java.net.URI;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.ConfigProvider;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * The service's one door to Google (super-heroes' pattern: a package-private REST client behind a
 * public façade): mint a token, say what field mask a request would carry, and where devices
 * connect. Callers speak in {@link AuthTokenSpec} and never see wire bodies or the HTTP client.
 * The configured upstream is built on first use rather than at startup, because in dev and test the
 * upstream is this very server's emulator, whose port (random in tests) is known only once bound.
 */
@ApplicationScoped
public class UpstreamFacade {

    /** Path of the Live API WebSocket for ephemeral tokens (docs/live-api-protocol.md §2). */
    public static final String CONSTRAINED_WS_PATH =
            "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";

    private final Vertx vertx;
    private final UpstreamConfig config;
    private final UpstreamMetrics metrics;
    private volatile GeminiAuthTokens client;
    private volatile URI baseUrl;

    public UpstreamFacade(Vertx vertx, UpstreamConfig config, UpstreamMetrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<MintedName> create(AuthTokenSpec spec) {
        GeminiAuthTokens c = client();
        long start = System.nanoTime();
        // latency per call here; each failure's kind is counted where UpstreamFailures classifies it
        return c.create(spec).onItemOrFailure().invoke((ok, failure) -> {
            metrics.callEnded(start, failure == null);
            if (failure != null && !(failure instanceof ProblemException)) {
                metrics.failedUnclassified();
            }
        });
    }

    /** The {@code fieldMask} the {@code auth_tokens.create} body for this spec carries, or null for none. */
    public String fieldMask(AuthTokenSpec spec) {
        return AuthTokenBodies.tree(spec).path("fieldMask").asText(null);
    }

    /** The base URL in force, with any {@code ${quarkus.http.port}} expression resolved. */
    public URI baseUrl() {
        URI u = baseUrl;
        if (u == null) {
            // Read through Config, not the mapping: the mapping was resolved before the port was bound.
            String raw = ConfigProvider.getConfig()
                    .getOptionalValue("livetoken.upstream.base-url", String.class)
                    .orElse(config.baseUrl());
            u = URI.create(raw.replaceAll("/+$", ""));
            baseUrl = u;
        }
        return u;
    }

    /** Where devices open the Live API session with the token: the upstream's WebSocket. */
    public String websocketUrl() {
        URI base = baseUrl();
        String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
        String port = base.getPort() > 0 ? ":" + base.getPort() : "";
        return scheme + "://" + base.getHost() + port + CONSTRAINED_WS_PATH;
    }

    private GeminiAuthTokens client() {
        GeminiAuthTokens c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    String key = config.apiKey()
                            .filter(k -> !k.isBlank())
                            .orElseThrow(() -> ProblemException.of(
                                    ProblemType.UPSTREAM_UNAVAILABLE, "The service has no Gemini API key configured."));
                    c = new GeminiAuthTokens(
                            vertx,
                            baseUrl(),
                            key,
                            config.connectTimeout(),
                            config.readTimeout(),
                            config.maxConnections(),
                            config.retryAfter(),
                            metrics::failed);
                    client = c;
                }
            }
        }
        return c;
    }

    void close(@Observes ShutdownEvent ev) {
        GeminiAuthTokens c = client;
        if (c != null) {
            c.close();
        }
    }
}
