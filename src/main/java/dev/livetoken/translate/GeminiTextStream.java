package dev.livetoken.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The {@code models/{model}:streamGenerateContent?alt=sse} call, non-blocking on Vert.x: no thread
 * waits for the upstream. Time budget, as for {@code auth_tokens}: the first byte must come within
 * connect + read timeout; then each next read within the read timeout; the whole stream within
 * {@code maxDuration}. Every failure becomes the same mapped 502/503/504 problem as a mint's, and
 * the upstream's own error text is never passed on or logged (it may echo the request, i.e. the user's text).
 */
public class GeminiTextStream {

    /** What the caller of {@link #stream} hears, always on the Vert.x context that started it. */
    public interface Listener {
        /** A piece of the translation, in order; never empty. */
        void onText(String text);

        /** The stream ended normally. */
        void onEnd(GoogleSse.Usage usage, String finishReason);

        /** The stream failed; {@code afterText} says whether any text had been handed out. Called at most once. */
        void onFailure(ProblemException problem, boolean afterText);
    }

    /** A running stream; {@link #cancel()} stops it without calling the listener again. */
    public interface Handle {
        void cancel();
    }

    private static final Logger LOG = Logger.getLogger(GeminiTextStream.class);

    private final Vertx vertx;
    private final HttpClient http;
    private final String host;
    private final String pathPrefix;
    private final String apiKey;
    private final Duration firstByte;
    private final Duration readTimeout;
    private final Duration maxDuration;
    private final Duration defaultRetryAfter;

    public GeminiTextStream(Vertx vertx, URI baseUrl, String apiKey, Duration connectTimeout, Duration readTimeout,
            Duration maxDuration, int maxConnections, Duration defaultRetryAfter) {
        boolean tls = "https".equalsIgnoreCase(baseUrl.getScheme());
        int port = baseUrl.getPort() > 0 ? baseUrl.getPort() : (tls ? 443 : 80);
        this.vertx = vertx;
        this.host = baseUrl.getHost();
        this.pathPrefix = baseUrl.getPath() == null ? "" : baseUrl.getPath().replaceAll("/+$", "");
        this.apiKey = apiKey;
        this.firstByte = connectTimeout.plus(readTimeout);
        this.readTimeout = readTimeout;
        this.maxDuration = maxDuration;
        this.defaultRetryAfter = defaultRetryAfter;
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setSsl(tls)
                .setVerifyHost(true)
                .setConnectTimeout((int) connectTimeout.toMillis())
                .setKeepAlive(true)
                .setTryUseCompression(false)
                .setName("gemini-text-stream");
        // One connection per live stream (HTTP/1.1), so the pool bounds concurrent translations upstream.
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    public void close() {
        http.close();
    }

    /** Starts the stream; call it on a Vert.x context (the request's), where the listener will be called. */
    public Handle stream(String model, byte[] body, Listener listener) {
        Call call = new Call(listener, Vertx.currentContext());
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI(pathPrefix + "/v1beta/models/" + model + ":streamGenerateContent?alt=sse")
                .putHeader("content-type", "application/json")
                .putHeader("accept", "text/event-stream")
                .putHeader("x-goog-api-key", apiKey);
        call.arm(firstByte);
        http.request(request).onComplete(ar -> {
            if (ar.failed()) {
                call.fail(mapFailure(ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            if (!call.attach(req)) {
                req.reset();
                return;
            }
            req.response().onComplete(rr -> {
                if (rr.failed()) {
                    call.fail(mapFailure(rr.cause()));
                } else {
                    call.answered(rr.result());
                }
            });
            req.exceptionHandler(t -> call.fail(mapFailure(t)));
            req.end(Buffer.buffer(body));
        });
        return call;
    }

    /** One stream's state. Touched only on its Vert.x context (event loop), so plain fields suffice. */
    private final class Call implements Handle {
        private final Listener listener;
        private final Context context;
        private final long started = System.nanoTime();
        private final GoogleSse sse = new GoogleSse();
        private HttpClientRequest request;
        private long timer = -1;
        private boolean over;
        private boolean gaveText;
        private boolean sawFinish;
        private GoogleSse.Usage usage;
        private String finishReason;

        Call(Listener listener, Context context) {
            this.listener = listener;
            this.context = context;
        }

        boolean attach(HttpClientRequest req) {
            request = req;
            return !over;
        }

        void answered(HttpClientResponse resp) {
            if (over) {
                return;
            }
            if (resp.statusCode() != 200) {
                String retryAfter = resp.getHeader("Retry-After");
                // The body is read only to free the connection; its text is never used.
                resp.body().onComplete(b -> fail(statusProblem(resp.statusCode(), retryAfter)));
                return;
            }
            arm(readTimeout);
            resp.handler(this::data);
            resp.exceptionHandler(t -> fail(mapFailure(t)));
            resp.endHandler(v -> ended());
        }

        private void data(Buffer b) {
            if (over) {
                return;
            }
            arm(readTimeout);
            try {
                for (GoogleSse.Chunk c : sse.feed(b)) {
                    if (c.error() != null) {
                        fail(streamError(c.error()));
                        return;
                    }
                    if (c.usage() != null) {
                        usage = c.usage();
                    }
                    if (c.finishReason() != null) {
                        finishReason = c.finishReason();
                        sawFinish = true;
                    }
                    if (!c.text().isEmpty()) {
                        gaveText = true;
                        listener.onText(c.text());
                        if (over) {
                            return;
                        }
                    }
                }
            } catch (GoogleSse.Malformed e) {
                fail(problem(Kind.BAD_RESPONSE, 200, ProblemType.UPSTREAM_BAD_RESPONSE,
                        "The translation upstream sent a stream we could not read.", defaultRetryAfter));
            }
        }

        private void ended() {
            if (over) {
                return;
            }
            if (!sawFinish || sse.hasIncompleteEvent()) {
                fail(problem(Kind.BAD_RESPONSE, 200, ProblemType.UPSTREAM_BAD_RESPONSE,
                        "The translation upstream ended the stream before finishing.", defaultRetryAfter));
                return;
            }
            finish();
            listener.onEnd(usage, finishReason);
        }

        /** (Re)starts the timer: {@code budget} from now, never past the whole stream's bound. */
        void arm(Duration budget) {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            long left = maxDuration.toMillis() - (System.nanoTime() - started) / 1_000_000;
            long ms = Math.max(1, Math.min(budget.toMillis(), left));
            Runnable onTimeout = () -> fail(problem(Kind.TIMEOUT, 0, ProblemType.UPSTREAM_TIMEOUT,
                    "The translation upstream did not answer in time.", defaultRetryAfter));
            timer = context != null
                    ? context.owner().setTimer(ms, id -> context.runOnContext(v -> onTimeout.run()))
                    : vertx.setTimer(ms, id -> onTimeout.run());
        }

        void fail(ProblemException p) {
            if (over) {
                return;
            }
            finish();
            if (request != null) {
                request.reset();
            }
            listener.onFailure(p, gaveText);
        }

        @Override
        public void cancel() {
            if (over) {
                return;
            }
            finish();
            if (request != null) {
                request.reset();
            }
        }

        private void finish() {
            over = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }

    /** Failure kinds, as logged; the same names as the {@code auth_tokens} call's. */
    enum Kind { TIMEOUT, CONNECT, THROTTLED, UNAVAILABLE, SERVER_ERROR, REJECTED, BAD_RESPONSE }

    private ProblemException statusProblem(int status, String retryAfterHeader) {
        if (status == 429) {
            return problem(Kind.THROTTLED, status, ProblemType.UPSTREAM_THROTTLED,
                    "The translation upstream is throttling us; try again shortly.", retryAfter(retryAfterHeader));
        }
        if (status == 503) {
            return problem(Kind.UNAVAILABLE, status, ProblemType.UPSTREAM_UNAVAILABLE,
                    "The translation upstream is unavailable; try again shortly.", retryAfter(retryAfterHeader));
        }
        if (status >= 500) {
            return problem(Kind.SERVER_ERROR, status, ProblemType.UPSTREAM_ERROR,
                    "The translation upstream failed.", defaultRetryAfter);
        }
        // 4xx other than 429: our key or our request was refused; operators must look (status in the log).
        return problem(Kind.REJECTED, status, ProblemType.UPSTREAM_REJECTED,
                "The translation upstream refused our request; operators have been told.", null);
    }

    /** An {@code error} object inside the stream: mapped by its {@code code} like a status. */
    private ProblemException streamError(JsonNode error) {
        int code = error.path("code").canConvertToInt() ? error.path("code").asInt() : 500;
        return statusProblem(code < 400 ? 500 : code, null);
    }

    private ProblemException mapFailure(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String name = root.getClass().getName();
        if (name.contains("Timeout")) {
            return problem(Kind.TIMEOUT, 0, ProblemType.UPSTREAM_TIMEOUT,
                    "The translation upstream did not answer in time.", defaultRetryAfter);
        }
        if (root instanceof ConnectException || root instanceof UnknownHostException) {
            return problem(Kind.CONNECT, 0, ProblemType.UPSTREAM_UNAVAILABLE,
                    "The translation upstream cannot be reached; try again shortly.", defaultRetryAfter);
        }
        return problem(Kind.BAD_RESPONSE, 0, ProblemType.UPSTREAM_BAD_RESPONSE,
                "The connection to the translation upstream failed.", defaultRetryAfter);
    }

    private ProblemException problem(Kind kind, int status, ProblemType type, String detail, Duration retryAfter) {
        // Status and kind only: the upstream's body and exception texts stay out of the log.
        LOG.warnf("Upstream streamGenerateContent call failed: kind=%s status=%d host=%s", kind, status, host);
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
