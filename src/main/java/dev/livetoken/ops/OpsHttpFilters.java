package dev.livetoken.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.problem.ProblemResponses;
import dev.livetoken.problem.RequestIds;

/**
 * Runs first on every request: puts the request id into the log MDC (Quarkus keeps the MDC on the
 * request's Vert.x duplicated context, so it follows the request across async hops), adds the
 * security headers to every answer (API, problem, {@code /q/*}), and when the answer is complete
 * writes the access line and counts mint outcomes.
 */
@ApplicationScoped
public class OpsHttpFilters {

    /** MDC key of the request id; JSON logs carry it in {@code mdc.requestId}. */
    public static final String MDC_REQUEST_ID = "requestId";
    /** MDC key of the caller's tenant, set once the JWT is verified. */
    public static final String MDC_TENANT = "tenant";

    static final String ACCESS_KEY = "livetoken.access";
    static final String CSP = "default-src 'none'; frame-ancestors 'none'";
    /** RoutingContext key of a route's own Content-Security-Policy (the demo page's); others get {@link #CSP}. */
    public static final String CSP_KEY = "livetoken.csp";

    static final String MINT_PATH = "/v1/tokens";

    private static final Logger ACCESS = Logger.getLogger("dev.livetoken.access");

    private final MintMetrics metrics;
    private final String hsts;
    private final boolean accessLog;

    OpsHttpFilters(MintMetrics metrics, OpsConfig config) {
        this.metrics = metrics;
        this.hsts =
                config.hsts().enabled() ? "max-age=" + config.hsts().maxAge().toSeconds() : null;
        this.accessLog = config.accessLog().enabled();
    }

    void register(@Observes Filters filters) {
        // Above HttpEdgeFilters (1000), so its early 413 answers get the headers and the id too.
        filters.register(this::handle, 2000);
    }

    void handle(RoutingContext ctx) {
        String id = RequestIds.assign(ctx);
        MDC.put(MDC_REQUEST_ID, id);
        String path = ctx.normalizedPath();
        boolean devTool = path.startsWith("/q/dev-ui") || path.startsWith("/q/swagger-ui");
        ctx.addHeadersEndHandler(v -> secure(ctx.response().headers(), devTool, ctx.get(CSP_KEY)));
        if (isApi(path)) {
            AccessEntry entry = new AccessEntry(System.nanoTime(), id);
            ctx.put(ACCESS_KEY, entry);
            boolean mint = ctx.request().method() == HttpMethod.POST && MINT_PATH.equals(path);
            ctx.addEndHandler(ar -> finished(ctx, entry, mint, ar.succeeded()));
        }
        ctx.next();
    }

    private void secure(MultiMap h, boolean devTool, String ownCsp) {
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        if (!devTool) {
            // Dev UI and Swagger UI (dev builds only) are HTML apps that these two would break.
            h.set("X-Frame-Options", "DENY");
            h.set("Content-Security-Policy", ownCsp != null ? ownCsp : CSP);
        }
        if (hsts != null) {
            h.set("Strict-Transport-Security", hsts);
        }
        if (!h.contains("Cache-Control")) {
            h.set("Cache-Control", "no-store");
        }
    }

    private void finished(RoutingContext ctx, AccessEntry e, boolean mint, boolean completed) {
        int status = ctx.response().getStatusCode();
        String problem = ctx.get(ProblemResponses.PROBLEM_TYPE_KEY);
        String outcome = !completed
                ? "client-closed"
                : status < 400 ? MintMetrics.MINTED : problem != null ? problem : "http-" + status;
        if (mint) {
            if (completed && status == 201) {
                metrics.mintSucceeded(e.tenant, e.locked == Boolean.TRUE);
            } else {
                metrics.mintFailed(e.tenant, outcome);
            }
        }
        if (accessLog && ACCESS.isInfoEnabled()) {
            long ms = (System.nanoTime() - e.startNanos) / 1_000_000;
            // The id is in the line itself too: the end handler may run outside the request's context.
            ACCESS.infof(
                    "%s %s %d %dms tenant=%s subject=%s lock=%s outcome=%s requestId=%s",
                    ctx.request().method(),
                    ctx.normalizedPath(),
                    status,
                    ms,
                    plain(e.tenant),
                    plain(e.subject),
                    e.lockMode(),
                    outcome,
                    e.requestId);
        }
    }

    static boolean isApi(String path) {
        return path.startsWith("/v1/") || path.equals("/v1") || path.startsWith("/admin/");
    }

    /** Keeps a claim value on one line and short: it comes from a JWT, i.e. from outside. */
    static String plain(String s) {
        if (s == null) {
            return "-";
        }
        String t = s.length() > 128 ? s.substring(0, 128) : s;
        return t.replaceAll("[\\p{Cntrl}\\s]", "_");
    }

    /** What the resource learns about a request, for its access line and metrics. */
    static final class AccessEntry {
        final long startNanos;
        final String requestId;
        volatile String tenant;
        volatile String subject;
        volatile Boolean locked;

        AccessEntry(long startNanos, String requestId) {
            this.startNanos = startNanos;
            this.requestId = requestId;
        }

        String lockMode() {
            return locked == null ? "-" : locked ? "locked" : "unlocked";
        }
    }
}
