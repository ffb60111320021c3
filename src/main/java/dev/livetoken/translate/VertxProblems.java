package dev.livetoken.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.problem.Problem;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemResponses;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;

/**
 * The problem answer of {@link ProblemResponses}, written straight to a Vert.x response (the
 * translation route is not a JAX-RS resource), and the same document as an SSE {@code error} event.
 */
final class VertxProblems {

    private VertxProblems() {}

    static void send(RoutingContext ctx, ObjectMapper json, ProblemException e) {
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
    static String event(RoutingContext ctx, ObjectMapper json, ProblemException e) {
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
}
