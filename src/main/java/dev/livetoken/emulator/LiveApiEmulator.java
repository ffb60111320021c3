package dev.livetoken.emulator;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.upstream.UpstreamFacade;

/**
 * Emulates the Live API WebSocket for ephemeral tokens ({@code BidiGenerateContentConstrained},
 * docs/live-api-protocol.md §2-6) on this server: token checks (expiry, new-session window, uses),
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
    final EmulatorFaults faults;
    final LanguageCatalog languages;
    /** Open emulated Live API connections, so shutdown can close them (see {@link #closeLiveConnections}). */
    private final Set<LiveConnection> live = ConcurrentHashMap.newKeySet();

    private volatile boolean shuttingDown;
    private final LiveServices services;

    LiveApiEmulator(
            EmulatorConfig config,
            EmulatorTokenStore tokens,
            ResumptionHandles handles,
            Vertx vertx,
            EmulatorFaults faults,
            LanguageCatalog languages) {
        this.faults = faults;
        this.languages = languages;
        this.config = config;
        this.tokens = tokens;
        this.handles = handles;
        this.vertx = vertx;
        this.services = new LiveServices(vertx, config, tokens, handles, faults, languages, live::add, live::remove);
    }

    void routes(@Observes Router router) {
        if (!config.enabled()) {
            return;
        }
        router.route(UpstreamFacade.CONSTRAINED_WS_PATH).order(-100).handler(ctx -> upgrade(ctx, true));
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

    private void upgrade(RoutingContext ctx, boolean constrained) {
        HttpServerRequest req = ctx.request();
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            ctx.next();
            return;
        }
        String credential = credential(req);
        String path = req.path();
        EmulatorFaults.Fault fault = faults.next(credential, req.getParam(EmulatorFaults.QUERY_PARAMETER));
        if (fault.kind() == EmulatorFaults.Kind.HTTP_429) {
            // protocol §7: quota refusals may come as HTTP 429 on the upgrade (browsers see 1006)
            GoogleError.send(ctx, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
            return;
        }
        String source = sourceLanguage(req);
        HttpConnection connection = req.connection();
        req.toWebSocket()
                .onSuccess(ws -> {
                    ws.closeHandler(v -> requestDone(req)); // LiveConnection.start() chains it on
                    if (shuttingDown) {
                        LiveCloses.close(ws, LiveCloses.SHUTTING_DOWN);
                        return;
                    }
                    EmulatedToken token = null;
                    LiveCloses.Close refusal = null;
                    if (!constrained) {
                        // Seen with access_token on plain BidiGenerateContent (protocol §2, cookbook#821).
                        refusal = path.endsWith(".BidiGenerateContent") ? LiveCloses.NO_IDENTITY : LiveCloses.NOT_FOUND;
                    } else if (credential == null) {
                        refusal = goesAsApiKey(req) ? LiveCloses.API_KEY_INVALID : LiveCloses.NO_IDENTITY;
                    } else {
                        token = tokens.find(credential).orElse(null);
                        if (token == null) {
                            refusal = LiveCloses.TOKEN_INVALID;
                        } else if (tokens.now().isAfter(token.expireTime())) {
                            refusal = LiveCloses.TOKEN_EXPIRED;
                        }
                    }
                    // Refusals are sent on the client's first message, like a spent token's (emulator decision).
                    new LiveConnection(
                                    services,
                                    ws,
                                    connection,
                                    credential,
                                    refusal == null ? token : null,
                                    refusal,
                                    fault,
                                    source)
                            .start(() -> requestDone(req));
                })
                .onFailure(t -> LOG.debugf(
                        "Live API WebSocket upgrade failed: %s", t.getClass().getSimpleName()));
    }

    /**
     * Quarkus counts a request as in flight until its response ends or its connection closes; an
     * upgraded WebSocket does neither in Quarkus' eyes, so graceful shutdown waited the whole
     * {@code quarkus.shutdown.timeout} for every socket ever opened, even closed ones (issue 8
     * item 16, seen as 21.8 s). Tell it the request is done once the socket closed. Quarkus offers
     * no public call for this: its request wrapper's {@code done()} is package-private.
     */
    static void requestDone(HttpServerRequest req) {
        try {
            Object wrapper = io.quarkus.vertx.http.runtime.filters.QuarkusRequestWrapper.get(req);
            if (wrapper != null) {
                java.lang.reflect.Method done = wrapper.getClass().getDeclaredMethod("done");
                done.setAccessible(true);
                done.invoke(wrapper);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf(
                    "Could not mark a closed WebSocket's request done: %s",
                    e.getClass().getSimpleName());
        }
    }

    /** The language the emulator "hears" on this connection (it cannot detect one; emulator decision). */
    private String sourceLanguage(HttpServerRequest req) {
        String q = req.getParam("emulator_source_language");
        if (q == null || q.isBlank()) {
            q = req.getHeader("X-Emulator-Source-Language");
        }
        return q == null || q.isBlank() ? config.live().sourceLanguage() : q.trim();
    }

    private static boolean goesAsApiKey(HttpServerRequest req) {
        String key = req.getHeader("x-goog-api-key");
        return key != null && key.startsWith(TOKEN_PREFIX);
    }

    /**
     * The token from {@code ?access_token=} or {@code Authorization: Token …}. An extra
     * {@code x-goog-api-key: auth_tokens/…} (the Python SDK adds one) is tolerated next to them,
     * but alone it is a token passed as an API key, which Google refuses (protocol §2).
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
        return null;
    }
}
