package dev.livetoken.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Runs before any resource: assigns the request id and refuses oversized bodies with a problem
 * answer (Vert.x's own limit would answer a bare 413 with no body).
 */
@ApplicationScoped
public class HttpEdgeFilters {

    private final ObjectMapper json;
    private final long maxBodyBytes;

    HttpEdgeFilters(ObjectMapper json, EdgeConfig config) {
        this.json = json;
        this.maxBodyBytes = config.maxBodySize();
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, 1000);
    }

    void handle(RoutingContext ctx) {
        String id = RequestIds.assign(ctx);
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            ProblemException p = ProblemException.of(ProblemType.BODY_TOO_LARGE,
                    "The request body may be at most " + maxBodyBytes + " bytes.");
            ctx.put(ProblemResponses.PROBLEM_TYPE_KEY, p.type().slug());
            try {
                byte[] body = json.writeValueAsBytes(ProblemResponses.body(p, ctx.request().path(), id));
                ctx.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(io.vertx.core.buffer.Buffer.buffer(body));
            } catch (JsonProcessingException e) {
                ctx.response().setStatusCode(413).end();
            }
            return;
        }
        ctx.next();
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
