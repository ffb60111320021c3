package dev.livetoken.emulator;

import dev.livetoken.upstream.UpstreamTokens;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Emulates the Live API WebSocket for ephemeral tokens ({@code BidiGenerateContentConstrained},
 * live-api-protocol.md §2-6) on this server: token checks (expiry, new-session window, uses),
 * locked fields merged by the token's field mask, session resumption, goAway, and an EMULATED
 * translation (see {@link EmulatedTranslation}). Registered only when the emulator is switched on.
 */
@ApplicationScoped
public class LiveApiEmulator {

    private static final Logger LOG = Logger.getLogger(LiveApiEmulator.class);
    static final String TOKEN_PREFIX = "auth_tokens/";

    final EmulatorConfig config;
    final EmulatorTokenStore tokens;
    final ResumptionHandles handles;
    final Vertx vertx;
    /** Open emulated Live API connections, so shutdown can close them (see {@link #closeLiveConnections}). */
    private final Set<LiveConnection> live = ConcurrentHashMap.newKeySet();
    private volatile boolean shuttingDown;

    LiveApiEmulator(EmulatorConfig config, EmulatorTokenStore tokens, ResumptionHandles handles, Vertx vertx) {
        this.config = config;
        this.tokens = tokens;
        this.handles = handles;
        this.vertx = vertx;
    }

    void routes(@Observes Router router) {
        if (!config.enabled()) {
            return;
        }
        router.route(UpstreamTokens.CONSTRAINED_WS_PATH).order(-100).handler(ctx -> upgrade(ctx, true));
        // Any other Live API path: upgrade, then refuse, as Google does (errors come as close frames).
        router.route("/ws/*").order(-99).handler(ctx -> upgrade(ctx, false));
    }

    void purgeRegularly(@Observes StartupEvent ev) {
        if (config.enabled()) {
            vertx.setPeriodic(60_000, id -> handles.purgeExpired(tokens.now()));
        }
    }

    /**
     * Shutdown starts: close every live emulator connection. An upgraded WebSocket counts as an
     * in-flight request until it closes, so without this, graceful shutdown waited the whole
     * {@code quarkus.shutdown.timeout} (20 s) for a session that would never end on its own. The
     * event comes first in Quarkus' shutdown (before the delay and the wait for requests); it is
     * fired because {@code quarkus.shutdown.delay-enabled=true}. Connections opened after it are
     * closed at once.
     */
    void closeLiveConnections(@Observes ShutdownDelayInitiatedEvent ev) {
        shuttingDown = true;
        for (LiveConnection c : live) {
            c.shutDown();
        }
    }

    /** For tests that simulate the shutdown event inside a running application. */
    void acceptNewConnectionsAgain() {
        shuttingDown = false;
    }

    int openConnections() {
        return live.size();
    }

    void opened(LiveConnection c) {
        live.add(c);
    }

    void closed(LiveConnection c) {
        live.remove(c);
    }

    private void upgrade(RoutingContext ctx, boolean constrained) {
        HttpServerRequest req = ctx.request();
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            ctx.next();
            return;
        }
        String credential = credential(req);
        String path = req.path();
        req.toWebSocket().onSuccess(ws -> {
            if (shuttingDown) {
                LiveCloses.close(ws, LiveCloses.SHUTTING_DOWN);
                return;
            }
            if (!constrained) {
                // Seen with access_token on plain BidiGenerateContent (protocol §2, cookbook#821).
                LiveCloses.close(ws, path.endsWith(".BidiGenerateContent") ? LiveCloses.NO_IDENTITY
                        : LiveCloses.NOT_FOUND);
                return;
            }
            if (credential == null) {
                LiveCloses.close(ws, LiveCloses.NO_IDENTITY);
                return;
            }
            EmulatedToken token = tokens.find(credential).orElse(null);
            if (token == null) {
                LiveCloses.close(ws, LiveCloses.TOKEN_INVALID);
                return;
            }
            if (tokens.now().isAfter(token.expireTime())) {
                LiveCloses.close(ws, LiveCloses.TOKEN_EXPIRED);
                return;
            }
            new LiveConnection(this, ws, credential, token).start();
        }).onFailure(t -> LOG.debugf("Live API WebSocket upgrade failed: %s", t.getClass().getSimpleName()));
    }

    /**
     * The token from {@code ?access_token=} or {@code Authorization: Token …}; an
     * {@code x-goog-api-key: auth_tokens/…} (the Python SDK adds one) is accepted as well.
     */
    static String credential(HttpServerRequest req) {
        String q = req.getParam("access_token");
        if (q != null && !q.isBlank()) {
            return q.trim();
        }
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Token ", 0, 6)) {
            return auth.substring(6).trim();
        }
        String key = req.getHeader("x-goog-api-key");
        if (key != null && key.startsWith(TOKEN_PREFIX)) {
            return key.trim();
        }
        return null;
    }
}
