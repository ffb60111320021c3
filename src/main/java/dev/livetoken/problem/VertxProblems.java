package dev.livetoken.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The problem answer of {@link ProblemResponses}, written straight to a Vert.x response (for the
 * Vert.x routes, which are not JAX-RS resources: the mint and the translation routes), and the same
 * document as an SSE {@code error} event.
 */
public final class VertxProblems {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(VertxProblems.class);

    private VertxProblems() {}

    public static void send(RoutingContext ctx, ObjectMapper json, ProblemException e) {
        HttpServerResponse resp = ctx.response();
        if (resp.headWritten() || resp.ended()) {
            return;
        }
        ctx.put(ProblemResponses.PROBLEM_TYPE_KEY, e.type().slug());
        resp.setStatusCode(e.type().status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("Cache-Control", "no-store");
        if (e.retryAfter() != null) {
            resp.putHeader(
                    "Retry-After", String.valueOf(Math.max(1, e.retryAfter().toSeconds())));
        }
        e.headers().forEach(resp::putHeader);
        if (e.type() == ProblemType.AUTHENTICATION_REQUIRED) {
            resp.putHeader("WWW-Authenticate", "Bearer");
        }
        resp.end(bytes(ctx, json, e));
    }

    /** The problem document as one SSE event: {@code event: error}, then the JSON on one data line. */
    public static String event(RoutingContext ctx, ObjectMapper json, ProblemException e) {
        ctx.put(ProblemResponses.PROBLEM_TYPE_KEY, e.type().slug());
        return "event: error\ndata: "
                + new String(bytes(ctx, json, e).getBytes(), java.nio.charset.StandardCharsets.UTF_8) + "\n\n";
    }

    private static io.vertx.core.buffer.Buffer bytes(RoutingContext ctx, ObjectMapper json, ProblemException e) {
        try {
            return io.vertx.core.buffer.Buffer.buffer(json.writeValueAsBytes(
                    ProblemResponses.body(e, ctx.request().path(), RequestIds.assign(ctx))));
        } catch (JsonProcessingException x) {
            throw new IllegalStateException(x);
        }
    }

    /**
     * What a Vert.x route answers for a failure that is not already a problem: the same mapping as
     * {@link ProblemMappers} gives JAX-RS resources (a store failure is a 503 with Retry-After, a
     * body's JSON error names its field, anything else a 500 logged by class only, since an
     * exception's message may hold a secret we did not put there).
     */
    public static ProblemException of(Throwable t, String requestId) {
        if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ProblemException p) {
            return p;
        }
        if (t instanceof JsonProcessingException jpe) {
            return ProblemMappers.fromJackson(jpe);
        }
        if (t instanceof dev.livetoken.store.StoreFailure) {
            LOG.errorf("Store failure while handling request %s: %s", requestId, t.getMessage());
            return ProblemException.builder(
                            ProblemType.STORE_UNAVAILABLE, "The service's store is unavailable; try again shortly.")
                    .retryAfter(java.time.Duration.ofSeconds(5))
                    .build();
        }
        LOG.errorf("Unexpected %s while handling request %s", t.getClass().getName(), requestId);
        return ProblemException.of(
                ProblemType.INTERNAL_ERROR, "Something went wrong on our side; quote the request id if you report it.");
    }

    /** What Vert.x or Quarkus' lazy authentication fails a Vert.x route with, as a problem answer. */
    public static void routeFailed(RoutingContext ctx, ObjectMapper json, long maxBodyBytes) {
        Throwable t = ctx.failure();
        ProblemException p;
        if (ctx.statusCode() == 413) {
            p = ProblemException.of(
                    ProblemType.BODY_TOO_LARGE, "The request body may be at most " + maxBodyBytes + " bytes.");
        } else if (t instanceof io.quarkus.security.AuthenticationException
                || t instanceof io.quarkus.security.UnauthorizedException
                || ctx.statusCode() == 401) {
            p = ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "A valid bearer JWT is required.");
        } else {
            p = of(t == null ? new IllegalStateException("status " + ctx.statusCode()) : t, RequestIds.of(ctx));
        }
        send(ctx, json, p);
    }

    /** The 405 of a Vert.x route's path for any other method, naming what it allows. */
    public static void methodNotAllowed(RoutingContext ctx, ObjectMapper json, String allow) {
        send(
                ctx,
                json,
                ProblemException.builder(ProblemType.METHOD_NOT_ALLOWED, "This method is not allowed on this path.")
                        .header("Allow", allow)
                        .build());
    }
}
