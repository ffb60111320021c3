package dev.livetoken.translate;

import java.net.URI;
import java.time.Duration;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

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

import dev.livetoken.problem.ProblemException;
import dev.livetoken.upstream.UpstreamFailures;
import dev.livetoken.upstream.UpstreamHttp;

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
    private final UpstreamFailures failures;

    public GeminiTextStream(
            Vertx vertx,
            URI baseUrl,
            String apiKey,
            Duration connectTimeout,
            Duration readTimeout,
            Duration maxDuration,
            int maxConnections,
            Duration defaultRetryAfter) {
        this.vertx = vertx;
        this.host = baseUrl.getHost();
        this.pathPrefix = UpstreamHttp.pathPrefix(baseUrl);
        this.apiKey = apiKey;
        this.firstByte = connectTimeout.plus(readTimeout);
        this.readTimeout = readTimeout;
        this.maxDuration = maxDuration;
        this.failures =
                new UpstreamFailures(LOG, "streamGenerateContent", "translation upstream", host, defaultRetryAfter);
        HttpClientOptions options = UpstreamHttp.options(baseUrl, connectTimeout, "gemini-text-stream");
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
                call.fail(failures.ofThrowable(ar.cause()));
                return;
            }
            HttpClientRequest req = ar.result();
            if (!call.attach(req)) {
                req.reset();
                return;
            }
            req.response().onComplete(rr -> {
                if (rr.failed()) {
                    call.fail(failures.ofThrowable(rr.cause()));
                } else {
                    call.answered(rr.result());
                }
            });
            req.exceptionHandler(t -> call.fail(failures.ofThrowable(t)));
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
                resp.body().onComplete(b -> fail(failures.ofStatus(resp.statusCode(), retryAfter)));
                return;
            }
            arm(readTimeout);
            resp.handler(this::data);
            resp.exceptionHandler(t -> fail(failures.ofThrowable(t)));
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
                fail(failures.badResponse(
                        200,
                        "The translation upstream sent a stream we could not read.",
                        failures.defaultRetryAfter()));
            }
        }

        private void ended() {
            if (over) {
                return;
            }
            if (!sawFinish || sse.hasIncompleteEvent()) {
                fail(failures.badResponse(
                        200,
                        "The translation upstream ended the stream before finishing.",
                        failures.defaultRetryAfter()));
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
            Runnable onTimeout = () -> fail(failures.timeout());
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

    /** An {@code error} object inside the stream: mapped by its {@code code} like a status. */
    private ProblemException streamError(JsonNode error) {
        int code = error.path("code").canConvertToInt() ? error.path("code").asInt() : 500;
        return failures.ofStatus(code < 400 ? 500 : code, null);
    }
}
