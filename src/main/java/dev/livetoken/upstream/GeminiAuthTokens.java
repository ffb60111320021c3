package dev.livetoken.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.livetoken.problem.ProblemException;

/**
 * The {@code auth_tokens.create} REST client, package-private: the rest of the service reaches it
 * only through {@link UpstreamFacade}. Owns the timeouts and turns every upstream failure into a
 * mapped 502/503/504 problem. The upstream's own error text is read by nobody: it may echo the
 * request, and the caller must not learn how our upstream account is set up.
 */
final class GeminiAuthTokens {

    private static final Logger LOG = Logger.getLogger(GeminiAuthTokens.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOKEN_NAME = Pattern.compile("auth_tokens/[A-Za-z0-9._~+/=-]{1,512}");
    private static final String PATH = "/v1alpha/auth_tokens";

    private final Vertx vertx;
    private final HttpClient http;
    private final String host;
    private final String pathPrefix;
    private final String apiKey;
    private final long deadlineMillis;
    private final UpstreamFailures failures;

    GeminiAuthTokens(
            Vertx vertx,
            URI baseUrl,
            String apiKey,
            Duration connectTimeout,
            Duration readTimeout,
            int maxConnections,
            Duration defaultRetryAfter) {
        this(vertx, baseUrl, apiKey, connectTimeout, readTimeout, maxConnections, defaultRetryAfter, kind -> {});
    }

    /** As above; {@code failureCounted} is told the kind of each failed call (see {@link UpstreamMetrics}). */
    public GeminiAuthTokens(
            Vertx vertx,
            URI baseUrl,
            String apiKey,
            Duration connectTimeout,
            Duration readTimeout,
            int maxConnections,
            Duration defaultRetryAfter,
            Consumer<UpstreamFailures.Kind> failureCounted) {
        this.vertx = vertx;
        this.host = baseUrl.getHost();
        this.pathPrefix = UpstreamHttp.pathPrefix(baseUrl);
        this.apiKey = apiKey;
        this.deadlineMillis = connectTimeout.plus(readTimeout).toMillis();
        this.failures = new UpstreamFailures(
                LOG, "auth_tokens", "token service upstream", host, defaultRetryAfter, failureCounted);
        HttpClientOptions options = UpstreamHttp.options(baseUrl, connectTimeout, "gemini-auth-tokens")
                // The per-call deadline below bounds every call. A connection idle timeout shorter
                // than it would close the connection under a slow answer and turn a timeout into a
                // "connection closed" (502 instead of 504); this one only reaps forgotten connections.
                .setIdleTimeout(
                        (int) Math.max(1, 2 * Duration.ofMillis(deadlineMillis).toSeconds() + 1));
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    /**
     * Mints a token upstream; fails only with a {@link ProblemException}. One deadline of
     * connect + read timeout covers the whole call from subscription: waiting for a pooled
     * connection, connecting, sending, and reading the whole answer. It runs on a Vert.x timer (the
     * event loop), not on the worker pool's scheduler, which queues behind blocking store work under
     * load; when it fires the exchange is reset, so a hung upstream gives its connection back.
     */
    Uni<MintedName> create(AuthTokenSpec spec) {
        byte[] body = AuthTokenBodies.encode(spec);
        return Uni.createFrom()
                .completionStage(() -> call(body).toCompletionStage())
                .onFailure(t -> !(t instanceof ProblemException))
                .transform(this::mapFailure)
                .map(this::interpret);
    }

    private Future<Answer> call(byte[] body) {
        Promise<Answer> result = Promise.promise();
        long timer = vertx.setTimer(deadlineMillis, id -> result.tryFail(new TimeoutException()));
        result.future().onComplete(ar -> vertx.cancelTimer(timer));
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI(pathPrefix + PATH)
                .putHeader("content-type", "application/json")
                .putHeader("x-goog-api-key", apiKey)
                // Leaves the pool's wait queue at the deadline instead of waiting for a connection forever.
                .setConnectTimeout(deadlineMillis);
        http.request(request).onComplete(ar -> {
            if (ar.failed()) {
                result.tryFail(ar.cause());
                return;
            }
            HttpClientRequest req = ar.result();
            if (result.future().isComplete()) {
                req.reset();
                return;
            }
            result.future().onFailure(t -> req.reset());
            req.send(Buffer.buffer(body))
                    .compose(resp ->
                            resp.body().map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"), b)))
                    .onComplete(done -> {
                        if (done.succeeded()) {
                            result.tryComplete(done.result());
                        } else {
                            result.tryFail(done.cause());
                        }
                    });
        });
        return result.future();
    }

    void close() {
        http.close();
    }

    private record Answer(int status, String retryAfter, Buffer body) {}

    private MintedName interpret(Answer a) {
        if (a.status() == 200) {
            try {
                JsonNode tree = JSON.readTree(a.body().getBytes());
                JsonNode name = tree == null ? null : tree.get("name");
                if (name != null
                        && name.isTextual()
                        && TOKEN_NAME.matcher(name.asText()).matches()) {
                    return new MintedName(name.asText());
                }
            } catch (java.io.IOException ignored) {
                // handled below: malformed is malformed
            }
            throw failures.badResponse(
                    a.status(), "The token service upstream gave an answer we could not read.", null);
        }
        throw failures.ofStatus(a.status(), a.retryAfter());
    }

    private Throwable mapFailure(Throwable t) {
        return failures.ofThrowable(t);
    }
}
