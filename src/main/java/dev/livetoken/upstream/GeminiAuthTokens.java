package dev.livetoken.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
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
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The {@code auth_tokens.create} call. Owns the timeouts and turns every upstream failure into a
 * mapped 502/503/504 problem. The upstream's own error text is read by nobody: it may echo the
 * request, and the caller must not learn how our upstream account is set up.
 */
public class GeminiAuthTokens {

    /** What a successful call gives back: the token (the whole {@code auth_tokens/…} name). */
    public record MintedName(String name) {
        @Override
        public String toString() {
            return "MintedName[redacted]";
        }
    }

    /** Failure kinds, as counted and logged; never carries upstream text. */
    public enum FailureKind { TIMEOUT, CONNECT, THROTTLED, UNAVAILABLE, SERVER_ERROR, REJECTED, BAD_RESPONSE }

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
    private final Duration defaultRetryAfter;

    public GeminiAuthTokens(Vertx vertx, URI baseUrl, String apiKey, Duration connectTimeout,
            Duration readTimeout, int maxConnections, Duration defaultRetryAfter) {
        boolean tls = "https".equalsIgnoreCase(baseUrl.getScheme());
        int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : (tls ? 443 : 80);
        this.vertx = vertx;
        this.host = baseUrl.getHost();
        this.pathPrefix = baseUrl.getPath() == null ? "" : baseUrl.getPath().replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.deadlineMillis = connectTimeout.plus(readTimeout).toMillis();
        this.defaultRetryAfter = defaultRetryAfter;
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setSsl(tls)
                .setVerifyHost(true)
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                // The per-call deadline below bounds every call. A connection idle timeout shorter
                // than it would close the connection under a slow answer and turn a timeout into a
                // "connection closed" (502 instead of 504); this one only reaps forgotten connections.
                .setIdleTimeout((int) Math.max(1, 2 * Duration.ofMillis(deadlineMillis).toSeconds() + 1))
                .setTryUseCompression(false)
                .setName("gemini-auth-tokens");
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    /**
     * Mints a token upstream; fails only with a {@link ProblemException}. One deadline of
     * connect + read timeout covers the whole call from subscription: waiting for a pooled
     * connection, connecting, sending, and reading the whole answer. It runs on a Vert.x timer (the
     * event loop), not on the worker pool's scheduler, which queues behind blocking store work under
     * load; when it fires the exchange is reset, so a hung upstream gives its connection back.
     */
    public Uni<MintedName> create(AuthTokenSpec spec) {
        byte[] body = AuthTokenBodies.encode(spec);
        return Uni.createFrom().completionStage(() -> call(body).toCompletionStage())
                .onFailure(t -> !(t instanceof ProblemException)).transform(this::mapFailure)
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
                    .compose(resp -> resp.body().map(b -> new Answer(resp.statusCode(), resp.getHeader("Retry-After"), b)))
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

    public void close() {
        http.close();
    }

    private record Answer(int status, String retryAfter, Buffer body) {
    }

    private MintedName interpret(Answer a) {
        if (a.status() == 200) {
            try {
                JsonNode tree = JSON.readTree(a.body().getBytes());
                JsonNode name = tree == null ? null : tree.get("name");
                if (name != null && name.isTextual() && TOKEN_NAME.matcher(name.asText()).matches()) {
                    return new MintedName(name.asText());
                }
            } catch (java.io.IOException ignored) {
                // handled below: malformed is malformed
            }
            throw failure(FailureKind.BAD_RESPONSE, a.status(), ProblemType.UPSTREAM_BAD_RESPONSE,
                    "The token service upstream gave an answer we could not read.", null);
        }
        if (a.status() == 429) {
            throw failure(FailureKind.THROTTLED, a.status(), ProblemType.UPSTREAM_THROTTLED,
                    "The token service upstream is throttling us; try again shortly.", retryAfter(a.retryAfter()));
        }
        if (a.status() == 503) {
            throw failure(FailureKind.UNAVAILABLE, a.status(), ProblemType.UPSTREAM_UNAVAILABLE,
                    "The token service upstream is unavailable; try again shortly.", retryAfter(a.retryAfter()));
        }
        if (a.status() >= 500) {
            throw failure(FailureKind.SERVER_ERROR, a.status(), ProblemType.UPSTREAM_ERROR,
                    "The token service upstream failed.", defaultRetryAfter);
        }
        // 4xx other than 429: our key or our request was refused. The caller cannot fix that, and
        // the detail is for operators (see the log line, which has the status but no upstream text).
        throw failure(FailureKind.REJECTED, a.status(), ProblemType.UPSTREAM_REJECTED,
                "The token service upstream refused our request; operators have been told.", null);
    }

    private Throwable mapFailure(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getName();
        if (root instanceof TimeoutException || name.contains("Timeout")) {
            return failure(FailureKind.TIMEOUT, 0, ProblemType.UPSTREAM_TIMEOUT,
                    "The token service upstream did not answer in time.", defaultRetryAfter);
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException) {
            return failure(FailureKind.CONNECT, 0, ProblemType.UPSTREAM_UNAVAILABLE,
                    "The token service upstream cannot be reached; try again shortly.", defaultRetryAfter);
        }
        return failure(FailureKind.BAD_RESPONSE, 0, ProblemType.UPSTREAM_BAD_RESPONSE,
                "The connection to the token service upstream failed.", defaultRetryAfter);
    }

    private ProblemException failure(FailureKind kind, int status, ProblemType type, String detail,
            Duration retryAfter) {
        // Status and kind only: the upstream's body and the exception text stay out of the log.
        LOG.warnf("Upstream auth_tokens call failed: kind=%s status=%d host=%s", kind, status, host);
        ProblemException.Builder b = ProblemException.builder(type, detail).upstreamFailure(kind.name());
        if (retryAfter != null) {
            b.retryAfter(retryAfter);
        }
        return b.build();
    }

    private Duration retryAfter(String header) {
        if (header != null) {
            try {
                long s = Long.parseLong(header.trim());
                if (s > 0 && s <= 3600) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException ignored) {
                // an HTTP-date or garbage: use our default
            }
        }
        return defaultRetryAfter;
    }
}
