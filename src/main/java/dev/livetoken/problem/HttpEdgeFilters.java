package dev.livetoken.problem;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.vertx.http.runtime.cors.CORSFilter;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.RoutingContextInternal;

/**
 * Runs before any resource, and before Quarkus' CORS filter, and answers with a problem document
 * what would otherwise get a bare status: an over-long URI (414), oversized headers (431), two
 * {@code Authorization} headers (400), a body over the limit, announced or chunked (413), and a
 * browser origin that is not allowed (403). Vert.x's own hard limits sit above ours
 * (application.properties), so only requests past those get Vert.x's bare answer.
 */
@ApplicationScoped
public class HttpEdgeFilters {

    /**
     * After OpsHttpFilters (2000, which adds the security headers and the request id to every
     * answer, these included) and before Quarkus' CORS filter (300), whose refusals are bare.
     */
    static final int PRIORITY = 1000;

    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final int maxUriLength;
    private final int maxHeaderBytes;
    private final boolean corsAnyOrigin;
    private final Set<String> corsOrigins;
    private final List<Pattern> corsOriginPatterns;

    HttpEdgeFilters(
            ObjectMapper json,
            EdgeConfig config,
            @ConfigProperty(name = "quarkus.http.cors.enabled", defaultValue = "false") boolean corsEnabled,
            @ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> origins) {
        this.json = json;
        this.maxBodyBytes = config.maxBodySize();
        this.maxUriLength = config.maxUriLength();
        this.maxHeaderBytes = config.maxHeaderSize();
        // Decided once: which origins may call us (the same list Quarkus' CORS filter uses).
        // (No origins listed means same-origin only, as in Quarkus' filter; "*" or "/.*/" means any.)
        List<String> listed = origins.orElse(List.of());
        this.corsAnyOrigin = !corsEnabled || listed.contains("*") || listed.contains("/.*/");
        this.corsOrigins = Set.copyOf(listed);
        this.corsOriginPatterns = CORSFilter.parseAllowedOriginsRegex(origins);
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext ctx) {
        String id = RequestIds.assign(ctx);
        HttpServerRequest req = ctx.request();
        if (req.uri().length() > maxUriLength) {
            refuse(
                    ctx,
                    id,
                    ProblemException.of(
                            ProblemType.URI_TOO_LONG,
                            "The request URI may be at most " + maxUriLength + " characters."),
                    true);
            return;
        }
        // One pass over the headers: their total size, and how many Authorization headers there are.
        int headerBytes = 0;
        int authorizations = 0;
        for (Map.Entry<String, String> h : req.headers()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
            if (h.getKey().length() == 13
                    && HttpHeaders.AUTHORIZATION.toString().equalsIgnoreCase(h.getKey())) {
                authorizations++;
            }
        }
        if (headerBytes > maxHeaderBytes) {
            refuse(
                    ctx,
                    id,
                    ProblemException.of(
                            ProblemType.HEADERS_TOO_LARGE,
                            "The request headers may be at most " + maxHeaderBytes + " bytes in all."),
                    true);
            return;
        }
        if (authorizations > 1) {
            // Which one would win depends on the component reading it: refuse rather than guess.
            refuse(
                    ctx,
                    id,
                    ProblemException.builder(
                                    ProblemType.INVALID_REQUEST,
                                    "Send one Authorization header, not " + authorizations + ".")
                            .field("Authorization")
                            .build(),
                    true);
            return;
        }
        String origin = req.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !originAllowed(req, origin)) {
            refuse(
                    ctx,
                    id,
                    ProblemException.of(
                            ProblemType.ORIGIN_NOT_ALLOWED, "Browser calls from this origin are not allowed."),
                    false);
            return;
        }
        String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            if (tooLarge(length)) {
                refuse(ctx, id, bodyTooLarge(), true);
                return;
            }
            ctx.next();
        } else if (!req.isEnded() && req.headers().contains(HttpHeaders.TRANSFER_ENCODING) && readsOwnBody(ctx)) {
            readChunked(ctx, id);
        } else {
            ctx.next();
        }
    }

    /**
     * A chunked body announces no length, so it is read here, counted, and refused as soon as it
     * passes the limit; a body within it is handed on as if it had been buffered by a body handler.
     */
    private void readChunked(RoutingContext ctx, String id) {
        HttpServerRequest req = ctx.request();
        Buffer body = Buffer.buffer();
        boolean[] refused = {false};
        req.handler(chunk -> {
            if (refused[0]) {
                return;
            }
            if (body.length() + chunk.length() > maxBodyBytes) {
                refused[0] = true;
                refuse(ctx, id, bodyTooLarge(), true);
                return;
            }
            body.appendBuffer(chunk);
        });
        req.endHandler(v -> {
            if (!refused[0]) {
                ((RoutingContextInternal) ctx).setBody(body);
                ctx.next();
            }
        });
        req.resume();
    }

    /**
     * The request body for a Vert.x route under this filter: the one it buffered (a chunked body,
     * already counted against the limit) or, for a body with a Content-Length (already checked
     * against it), read now. A Vert.x BodyHandler would wait forever for a chunked body this filter
     * has already consumed.
     */
    public static io.vertx.core.Future<Buffer> body(RoutingContext ctx) {
        var buffered = ctx.body();
        if (buffered != null && buffered.buffer() != null) {
            return io.vertx.core.Future.succeededFuture(buffered.buffer());
        }
        if (ctx.request().isEnded()) {
            return io.vertx.core.Future.succeededFuture(Buffer.buffer());
        }
        // The request may have been paused on its way here (lazy authentication); reading resumes it.
        io.vertx.core.Future<Buffer> body = ctx.request().body();
        ctx.request().resume();
        return body;
    }

    /**
     * Our REST resources take a body buffered here; other routes (the emulator's, with a Vert.x
     * BodyHandler and limit of their own) read the request themselves.
     */
    private static boolean readsOwnBody(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        return path.startsWith("/v1/") || path.startsWith("/admin/") || path.startsWith("/dev/");
    }

    private boolean originAllowed(HttpServerRequest req, String origin) {
        if (corsAnyOrigin
                || corsOrigins.contains(origin)
                || CORSFilter.isOriginAllowedByRegex(corsOriginPatterns, origin)) {
            return true;
        }
        // Same origin is not a cross-origin call (Quarkus' CORS filter lets it through too).
        var authority = req.authority();
        return authority != null && origin.equalsIgnoreCase(req.scheme() + "://" + authority);
    }

    private ProblemException bodyTooLarge() {
        return ProblemException.of(
                ProblemType.BODY_TOO_LARGE, "The request body may be at most " + maxBodyBytes + " bytes.");
    }

    private void refuse(RoutingContext ctx, String id, ProblemException p, boolean close) {
        ctx.put(ProblemResponses.PROBLEM_TYPE_KEY, p.type().slug());
        var response = ctx.response()
                .setStatusCode(p.type().status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (close) {
            // The rest of the request (body, headers) was not read: the connection cannot be reused.
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        try {
            response.end(Buffer.buffer(json.writeValueAsBytes(
                    ProblemResponses.body(p, ctx.request().path(), id))));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }

    private boolean tooLarge(String length) {
        try {
            return Long.parseLong(length.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
