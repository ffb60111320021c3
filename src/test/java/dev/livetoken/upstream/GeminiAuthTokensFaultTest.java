package dev.livetoken.upstream;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.support.LogCapture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every upstream fault becomes a mapped 502/503/504 problem within the configured timeout, and
 * neither the API key nor the upstream's own error text reaches the problem or the log.
 */
class GeminiAuthTokensFaultTest {

    static final String KEY = "fake-gemini-key-for-fault-tests";
    static final String UPSTREAM_SECRET_TEXT = "internal-upstream-detail-do-not-leak";
    static final Duration CONNECT = Duration.ofMillis(300);
    static final Duration READ = Duration.ofMillis(700);
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static URI serve(Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(handler);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    static ProblemException failure(URI base) {
        GeminiAuthTokens client = new GeminiAuthTokens(vertx, base, KEY, CONNECT, READ, 4, Duration.ofSeconds(7));
        long start = System.nanoTime();
        try (LogCapture logs = LogCapture.start()) {
            try {
                client.create(new AuthTokenSpec(1, null, null, null, List.of()))
                        .await()
                        .atMost(Duration.ofSeconds(10));
                fail("expected a failure");
                return null;
            } catch (ProblemException e) {
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertThat(took).isLessThan(CONNECT.plus(READ).plusMillis(500));
                assertThat(e.getMessage()).doesNotContain(KEY).doesNotContain(UPSTREAM_SECRET_TEXT);
                assertThat(logs.all()).doesNotContain(KEY).doesNotContain(UPSTREAM_SECRET_TEXT);
                return e;
            }
        } finally {
            client.close();
        }
    }

    static Handler<HttpServerRequest> answer(int status, String body) {
        return req -> req.body()
                .onComplete(b -> req.response()
                        .setStatusCode(status)
                        .putHeader("content-type", "application/json")
                        .end(body));
    }

    @Test
    void timeoutIs504() throws Exception {
        URI base = serve(req -> {
            /* never answers */
        });
        ProblemException e = failure(base);
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
        assertThat(e.type().status()).isEqualTo(504);
    }

    @Test
    void refusedConnectionIs503WithRetryAfter() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProblemException e = failure(URI.create("http://127.0.0.1:" + port));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_UNAVAILABLE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void serverErrorIs502() throws Exception {
        ProblemException e = failure(serve(answer(
                500,
                "{\"error\":{\"code\":500,\"message\":\"" + UPSTREAM_SECRET_TEXT + "\",\"status\":\"INTERNAL\"}}")));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_ERROR);
        assertThat(e.type().status()).isEqualTo(502);
    }

    @Test
    void unavailableIs503AndKeepsUpstreamRetryAfter() throws Exception {
        ProblemException e = failure(serve(req -> req.response()
                .setStatusCode(503)
                .putHeader("Retry-After", "42")
                .end("{\"error\":{\"message\":\"" + UPSTREAM_SECRET_TEXT + "\"}}")));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_UNAVAILABLE);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(42));
    }

    @Test
    void throttledIs503WithRetryAfter() throws Exception {
        ProblemException e = failure(serve(answer(
                429,
                "{\"error\":{\"code\":429,\"message\":\"" + UPSTREAM_SECRET_TEXT
                        + "\",\"status\":\"RESOURCE_EXHAUSTED\"}}")));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_THROTTLED);
        assertThat(e.type().status()).isEqualTo(503);
        assertThat(e.retryAfter()).isNotNull();
    }

    @Test
    void badKeyIs502Rejected() throws Exception {
        ProblemException e = failure(serve(answer(
                400,
                "{\"error\":{\"code\":400,\"message\":\"API Key not found. " + UPSTREAM_SECRET_TEXT + " " + KEY
                        + "\",\"status\":\"INVALID_ARGUMENT\"}}")));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_REJECTED);
        assertThat(e.type().status()).isEqualTo(502);
    }

    @Test
    void malformedReplyIs502() throws Exception {
        ProblemException e = failure(serve(answer(200, "<html>" + UPSTREAM_SECRET_TEXT + "</html>")));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_BAD_RESPONSE);
    }

    @Test
    void replyWithoutTokenNameIs502() throws Exception {
        ProblemException e = failure(serve(answer(200, "{\"name\":\"not-a-token\"}")));
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_BAD_RESPONSE);
    }

    @Test
    void connectionDroppedMidAnswerIs502() throws Exception {
        ProblemException e = failure(serve(req -> req.connection().close()));
        assertThat(e.type().status()).isIn(502, 503);
    }

    @Test
    void slowDripAnswerStillEndsWithinTheDeadline() throws Exception {
        URI base = serve(req -> {
            req.response().setChunked(true).setStatusCode(200).write("{");
            long id = vertx.setPeriodic(100, t -> req.response().write(" "));
            req.connection().closeHandler(v -> vertx.cancelTimer(id));
        });
        ProblemException e = failure(base);
        assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
    }

    @Test
    void hungUpstreamIs504TimeoutAtTheDeadlineNot502AtTheReadTimeout() throws Exception {
        // Production's ratio (connect 2 s, read 5 s): the read timeout alone ends before the deadline.
        Duration connect = Duration.ofMillis(300);
        Duration read = Duration.ofMillis(1500);
        Duration deadline = connect.plus(read);
        URI base = serve(req -> {
            /* never answers */
        });
        GeminiAuthTokens client = new GeminiAuthTokens(vertx, base, KEY, connect, read, 4, Duration.ofSeconds(7));
        long start = System.nanoTime();
        try {
            client.create(new AuthTokenSpec(1, null, null, null, List.of()))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            fail("expected a timeout");
        } catch (ProblemException e) {
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(e.type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
            assertThat(e.type().status()).isEqualTo(504);
            assertThat(e.upstreamFailure()).isEqualTo("TIMEOUT");
            assertThat(took).isBetween(deadline.minusMillis(50), deadline.plusMillis(400));
        } finally {
            client.close();
        }
    }

    @Test
    void waitingForAPooledConnectionCountsAgainstTheDeadlineAndTimedOutCallsGiveTheirConnectionBack() throws Exception {
        Duration connect = Duration.ofMillis(300);
        Duration read = Duration.ofMillis(900);
        Duration deadline = connect.plus(read);
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean hang = new java.util.concurrent.atomic.AtomicBoolean(true);
        // Hangs during the storm; answers at once afterwards.
        URI base = serve(req -> {
            seen.incrementAndGet();
            if (!hang.get()) {
                req.body()
                        .onComplete(b -> req.response()
                                .putHeader("content-type", "application/json")
                                .end("{\"name\":\"auth_tokens/after-the-storm\"}"));
            }
        });
        GeminiAuthTokens client = new GeminiAuthTokens(vertx, base, KEY, connect, read, 1, Duration.ofSeconds(7));
        try {
            long start = System.nanoTime();
            List<java.util.concurrent.CompletableFuture<Object>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                calls.add(client.create(new AuthTokenSpec(1, null, null, null, List.of()))
                        .onItemOrFailure()
                        .transform((ok, err) -> err == null ? (Object) ok : err)
                        .subscribeAsCompletionStage());
            }
            for (var call : calls) {
                Object outcome = call.get(10, TimeUnit.SECONDS);
                assertThat(outcome).isInstanceOf(ProblemException.class);
                assertThat(((ProblemException) outcome).type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
            }
            // margin for a cold JVM on a busy machine; without the fix the queued calls wait a deadline each
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(deadline.plusMillis(1000));
            // The only pooled connection was held by a hung call: it must be free again, not still
            // owned by abandoned requests queued behind it.
            int hung = seen.get();
            hang.set(false);
            long again = System.nanoTime();
            var minted = client.create(new AuthTokenSpec(1, null, null, null, List.of()))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            assertThat(minted.name())
                    .as("requests that reached the hung upstream: %d", hung)
                    .isEqualTo("auth_tokens/after-the-storm");
            assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(deadline);
        } finally {
            client.close();
        }
    }

    @Test
    void successReturnsTheNameAndSendsTheKeyHeader() throws Exception {
        String[] seenKey = new String[1];
        URI base = serve(req -> {
            seenKey[0] = req.getHeader("x-goog-api-key");
            req.body()
                    .onComplete(b -> req.response()
                            .putHeader("content-type", "application/json")
                            .end("{\"name\":\"auth_tokens/abc123\"}"));
        });
        GeminiAuthTokens client = new GeminiAuthTokens(
                vertx,
                base,
                KEY,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                4,
                Duration.ofSeconds(7)); // roomy: this test is about the answer, not the clock
        try {
            var minted = client.create(new AuthTokenSpec(1, null, null, null, List.of()))
                    .await()
                    .atMost(Duration.ofSeconds(5));
            assertThat(minted.name()).isEqualTo("auth_tokens/abc123");
            assertThat(minted.toString()).doesNotContain("abc123");
            assertThat(seenKey[0]).isEqualTo(KEY);
        } finally {
            client.close();
        }
    }
}
