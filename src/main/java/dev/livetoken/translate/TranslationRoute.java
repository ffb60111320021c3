package dev.livetoken.translate;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.ops.AccessLog;
import dev.livetoken.problem.EdgeConfig;
import dev.livetoken.problem.HttpEdgeFilters;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemMappers;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.problem.RequestIds;
import dev.livetoken.problem.VertxProblems;
import dev.livetoken.store.Store;

/**
 * {@code POST /v1/translations}, as a Vert.x route so that a stream holds no thread while it waits
 * for the model: JWT check, policy and planning and the upstream stream all run on the request's
 * event loop; only the store work (character reservation, settlement, audit) goes to the store's
 * threads and comes back to the request's context (the executor rule in {@link Store}). The status line is written with the first translated text,
 * so every failure before it is an ordinary problem answer; after it, an {@code event: error}.
 */
@ApplicationScoped
public class TranslationRoute {

    public static final String PATH = "/v1/translations";
    static final String EVENT_STREAM = "text/event-stream";
    private static final Logger LOG = Logger.getLogger(TranslationRoute.class);

    private final TranslationService service;
    private final CallerResolver callers;
    private final IdentityProviderManager identities;
    private final AccessLog accessLog;
    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final Store store;

    TranslationRoute(
            TranslationService service,
            CallerResolver callers,
            IdentityProviderManager identities,
            AccessLog accessLog,
            ObjectMapper json,
            EdgeConfig edge,
            Store store) {
        this.store = store;
        this.service = service;
        this.callers = callers;
        this.identities = identities;
        this.accessLog = accessLog;
        this.json = json;
        this.maxBodyBytes = edge.maxBodySize();
    }

    void routes(@Observes Router router) {
        // After Quarkus' own filters (CORS, authentication: orders -300…-100) and ours, before RESTEasy.
        router.post(PATH)
                .order(500)
                // The body limit is HttpEdgeFilters' (413 before this route runs, announced or chunked);
                // a BodyHandler here would wait forever for a chunked body that filter already read.
                .handler(ctx -> HttpEdgeFilters.body(ctx).onComplete(body -> {
                    if (body.failed()) {
                        VertxProblems.send(ctx, json, VertxProblems.of(body.cause(), RequestIds.of(ctx)));
                    } else {
                        new Exchange(ctx, body.result()).start();
                    }
                }))
                .failureHandler(this::failed);
        router.route(PATH).order(501).handler(ctx -> VertxProblems.methodNotAllowed(ctx, json, "POST"));
    }

    private void failed(RoutingContext ctx) {
        VertxProblems.routeFailed(ctx, json, maxBodyBytes);
    }

    /** One request, from JWT to the last event. Touched only on the request's own Vert.x context. */
    private final class Exchange implements GeminiTextStream.Listener {
        private final RoutingContext ctx;
        private final Context context = Vertx.currentContext();
        private final long started = System.nanoTime();
        private final StringBuilder collected = new StringBuilder();
        private boolean sse;
        private TranslationPlan plan;
        private UsageLimiter.CharacterReservation reservation;
        private GeminiTextStream.Handle upstream;
        private long firstTextNanos;
        private int outputCharacters;
        private boolean streaming;
        private boolean ending;
        private boolean clientGone;

        private final Buffer body;

        Exchange(RoutingContext ctx, Buffer body) {
            this.ctx = ctx;
            this.body = body;
        }

        void start() {
            ctx.response().closeHandler(v -> clientClosed());
            QuarkusHttpUser.getSecurityIdentity(ctx, identities)
                    .emitOn(task -> context.runOnContext(v -> task.run()))
                    .subscribe()
                    .with(
                            this::authenticated,
                            t -> refuse(ProblemException.of(
                                    ProblemType.AUTHENTICATION_REQUIRED, "A valid bearer JWT is required.")));
        }

        private void authenticated(SecurityIdentity identity) {
            try {
                if (identity == null
                        || identity.isAnonymous()
                        || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
                    throw ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "A valid bearer JWT is required.");
                }
                Caller caller = callers.resolve(jwt);
                accessLog.caller(caller, ctx);
                sse = negotiate(ctx.request().getHeader("Accept"));
                TranslationRequest request = parse();
                service.plan(caller, request)
                        .emitOn(task -> context.runOnContext(v -> task.run()))
                        .subscribe()
                        .with(this::planned, this::refuseOrFail);
            } catch (RuntimeException e) {
                // A refusal, or a fault of ours: either way an answer (nothing is reserved yet).
                refuseOrFail(e);
            }
        }

        private void planned(TranslationPlan p) {
            plan = p;
            blocking(() -> service.reserve(p)).onComplete(ar -> {
                if (ar.failed()) {
                    refuseOrFail(ar.cause());
                    return;
                }
                reservation = ar.result();
                if (clientGone) {
                    settle(false);
                    return;
                }
                try {
                    byte[] body = TranslationPrompt.body(p.target(), p.source(), p.text());
                    upstream = service.upstream().stream(p.model(), body, this);
                } catch (Throwable t) {
                    // Anything, a bug included: thrown out of this callback it would reach no one and
                    // the caller would wait for ever. The characters go back, the caller gets a problem.
                    settle(false).onComplete(settled -> refuseOrFail(t));
                }
            });
        }

        @Override
        public void onText(String text) {
            if (firstTextNanos == 0) {
                firstTextNanos = System.nanoTime();
            }
            outputCharacters += text.codePointCount(0, text.length());
            if (!sse) {
                collected.append(text);
                return;
            }
            startStream();
            write("delta", Map.of("text", text));
        }

        private void startStream() {
            if (!streaming) {
                streaming = true;
                ctx.response()
                        .setStatusCode(200)
                        .setChunked(true)
                        .putHeader("Content-Type", EVENT_STREAM)
                        .putHeader("Cache-Control", "no-store")
                        // Proxies such as nginx must pass each event on at once.
                        .putHeader("X-Accel-Buffering", "no");
            }
        }

        @Override
        public void onEnd(GoogleSse.Usage usage, String finishReason) {
            ending = true;
            boolean delivered = sse;
            String outcome = TranslationService.COMPLETED;
            // Fail closed: the record is committed before the caller hears "done" (or gets the JSON).
            blocking(() -> {
                        service.record(
                                plan, outcome, outputCharacters, usage, delivered, RequestIds.of(ctx), reservation);
                        return null;
                    })
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            refuseOrFail(ar.cause());
                            return;
                        }
                        Map<String, Object> done = summary(usage, finishReason);
                        if (sse) {
                            // The model may have produced no text at all: still a stream, with only its end.
                            startStream();
                            write("done", done);
                            ctx.response().end();
                        } else {
                            Map<String, Object> answer = new LinkedHashMap<>();
                            answer.put("text", collected.toString());
                            answer.putAll(done);
                            ctx.response()
                                    .setStatusCode(200)
                                    .putHeader("Content-Type", MediaType.APPLICATION_JSON)
                                    .putHeader("Cache-Control", "no-store")
                                    .end(Buffer.buffer(bytes(answer)));
                        }
                    });
        }

        @Override
        public void onFailure(ProblemException problem, boolean afterText) {
            ending = true;
            if (!streaming) {
                // Nothing reached the caller: give every character back, then answer with the problem,
                // so a caller who reads its usage (or retries) right after the answer finds them back.
                settle(false).onComplete(settled -> refuse(problem));
                return;
            }
            // Text already reached the caller: the characters stay spent and the partial translation is audited.
            blocking(() -> {
                        service.record(
                                plan,
                                TranslationService.UPSTREAM_FAILED,
                                outputCharacters,
                                null,
                                true,
                                RequestIds.of(ctx),
                                reservation);
                        return null;
                    })
                    .onComplete(ar -> endWithError(problem));
        }

        private void clientClosed() {
            if (ctx.response().ended() || clientGone) {
                return;
            }
            clientGone = true;
            if (upstream != null) {
                upstream.cancel();
            }
            if (ending || reservation == null) {
                // Either the end is being handled, or nothing is reserved yet (planned() gives it back).
                return;
            }
            if (streaming) {
                blocking(() -> {
                    service.record(
                            plan,
                            TranslationService.CLIENT_CLOSED,
                            outputCharacters,
                            null,
                            true,
                            RequestIds.of(ctx),
                            reservation);
                    return null;
                });
            } else {
                settle(false);
            }
        }

        private Map<String, Object> summary(GoogleSse.Usage usage, String finishReason) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("targetLanguageCode", plan.target().code());
            if (plan.source() != null) {
                m.put("sourceLanguageCode", plan.source().code());
            }
            m.put("model", plan.model());
            m.put("characters", plan.characters());
            m.put("outputCharacters", outputCharacters);
            if (finishReason != null) {
                m.put("finishReason", finishReason);
            }
            Map<String, Object> u = new LinkedHashMap<>();
            if (usage != null) {
                putIfSet(u, "promptTokenCount", usage.promptTokenCount());
                putIfSet(u, "candidatesTokenCount", usage.candidatesTokenCount());
                putIfSet(u, "totalTokenCount", usage.totalTokenCount());
            }
            m.put("usage", u);
            long now = System.nanoTime();
            m.put("firstByteMs", (firstTextNanos == 0 ? now : firstTextNanos) / 1_000_000 - started / 1_000_000);
            m.put("totalMs", (now - started) / 1_000_000);
            return m;
        }

        private void refuseOrFail(Throwable t) {
            ProblemException p = VertxProblems.of(t, RequestIds.of(ctx));
            if (streaming) {
                endWithError(p);
            } else {
                refuse(p);
            }
        }

        private void refuse(ProblemException p) {
            if (!clientGone) {
                VertxProblems.send(ctx, json, p);
            }
        }

        private void endWithError(ProblemException p) {
            if (!clientGone && !ctx.response().ended()) {
                ctx.response().end(VertxProblems.event(ctx, json, p));
            }
        }

        private void write(String event, Map<String, Object> data) {
            HttpServerResponse resp = ctx.response();
            if (clientGone || resp.ended()) {
                return;
            }
            resp.write("event: " + event + "\ndata: " + new String(bytes(data), StandardCharsets.UTF_8) + "\n\n");
        }

        /**
         * Settles the reservation on the store's threads; the future completes when the store has it (or failed to,
         * in which case the characters stay spent: over-counting is the safe side).
         */
        private Future<Void> settle(boolean delivered) {
            UsageLimiter.CharacterReservation r = reservation;
            if (r == null) {
                return Future.succeededFuture();
            }
            reservation = null;
            return blocking(() -> {
                service.settle(r, delivered);
                return null;
            });
        }

        private TranslationRequest parse() {
            String type = ctx.request().getHeader("Content-Type");
            if (type == null || !MediaType.valueOf(type).isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                throw ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
            }
            if (body == null || body.length() == 0) {
                throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
            }
            try {
                TranslationRequest r = json.readValue(body.getBytes(), TranslationRequest.class);
                if (r == null) {
                    throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
                }
                return r;
            } catch (JsonProcessingException e) {
                throw ProblemMappers.fromJackson(e);
            } catch (java.io.IOException e) {
                throw ProblemException.of(ProblemType.MALFORMED_JSON, "The body is not valid JSON.");
            }
        }

        /** Store work on the store's threads, its outcome back on this request's context. */
        private <T> Future<T> blocking(Callable<T> work) {
            Promise<T> done = Promise.promise();
            store.executor().execute(() -> {
                try {
                    T result = work.call();
                    context.runOnContext(v -> done.complete(result));
                } catch (Throwable t) {
                    context.runOnContext(v -> done.fail(t));
                }
            });
            return done.future();
        }
    }

    /**
     * {@code text/event-stream} when the caller lists it; JSON when it accepts JSON or says nothing;
     * otherwise 406.
     */
    static boolean negotiate(String accept) {
        if (accept == null || accept.isBlank()) {
            return false;
        }
        boolean json = false;
        for (String part : accept.split(",")) {
            String[] p = part.trim().split(";");
            String type = p[0].trim().toLowerCase(java.util.Locale.ROOT);
            boolean refused = false;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].trim().replace(" ", "");
                refused |= param.equals("q=0") || param.matches("q=0(\\.0{0,3})?");
            }
            if (refused) {
                continue;
            }
            if (type.equals(EVENT_STREAM)) {
                return true;
            }
            json |= type.equals("application/json") || type.equals("application/*") || type.equals("*/*");
        }
        if (!json) {
            throw ProblemException.of(
                    ProblemType.NOT_ACCEPTABLE, "This resource answers application/json or text/event-stream.");
        }
        return false;
    }

    private static void putIfSet(Map<String, Object> m, String key, Integer value) {
        if (value != null) {
            m.put(key, value);
        }
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
