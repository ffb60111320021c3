package dev.livetoken.translate;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream stream client against misbehaving fake upstreams: every fault is a mapped problem
 * within its time budget (first byte: connect + read; then read per gap; whole stream: max duration),
 * and the listener learns whether any text had already gone out.
 */
class GeminiTextStreamFaultTest {

    static final Duration CONNECT = Duration.ofMillis(300);
    static final Duration READ = Duration.ofMillis(400);
    static final Duration MAX = Duration.ofSeconds(2);
    static final String CHUNK = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hola \"}]}}]}\r\n\r\n";
    static final String LAST =
            "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"mundo\"}]},\"finishReason\":\"STOP\"}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":2,\"totalTokenCount\":5}}\r\n\r\n";
    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    record Outcome(
            List<String> texts, GoogleSse.Usage usage, ProblemException problem, boolean afterText, long millis) {}

    static URI serve(Handler<HttpServerRequest> handler) throws Exception {
        HttpServer server = vertx.createHttpServer().requestHandler(handler);
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    static Outcome run(URI base) throws Exception {
        GeminiTextStream client =
                new GeminiTextStream(vertx, base, "secret-key-123", CONNECT, READ, MAX, 8, Duration.ofSeconds(7));
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        List<String> texts = new ArrayList<>();
        long start = System.nanoTime();
        vertx.runOnContext(v ->
                client.stream("gemini-3.1-flash-lite", "{}".getBytes(), new GeminiTextStream.Listener() {
                    @Override
                    public void onText(String text) {
                        texts.add(text);
                    }

                    @Override
                    public void onEnd(GoogleSse.Usage usage, String finishReason) {
                        done.complete(new Outcome(texts, usage, null, false, (System.nanoTime() - start) / 1_000_000));
                    }

                    @Override
                    public void onFailure(ProblemException problem, boolean afterText) {
                        done.complete(
                                new Outcome(texts, null, problem, afterText, (System.nanoTime() - start) / 1_000_000));
                    }
                }));
        try {
            return done.get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    static Handler<HttpServerRequest> sse(String... events) {
        return req -> req.body().onSuccess(b -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            for (String e : events) {
                req.response().write(e);
            }
            req.response().end();
        });
    }

    @Test
    void aGoodStreamDeliversItsPiecesAndUsageAndSendsTheKeyInAHeaderOnly() throws Exception {
        CompletableFuture<HttpServerRequest> seen = new CompletableFuture<>();
        Outcome o = run(serve(req -> {
            seen.complete(req);
            sse(CHUNK, LAST).handle(req);
        }));
        assertThat(o.problem()).isNull();
        assertThat(o.texts()).containsExactly("Hola ", "mundo");
        assertThat(o.usage()).isEqualTo(new GoogleSse.Usage(3, 2, 5));
        HttpServerRequest req = seen.get();
        assertThat(req.path()).isEqualTo("/v1beta/models/gemini-3.1-flash-lite:streamGenerateContent");
        assertThat(req.query()).isEqualTo("alt=sse");
        assertThat(req.getHeader("x-goog-api-key")).isEqualTo("secret-key-123");
    }

    @Test
    void statusesAreMappedLikeAuthTokens() throws Exception {
        Outcome throttled = run(serve(req -> req.response()
                .setStatusCode(429)
                .putHeader("Retry-After", "11")
                .end("{\"error\":{\"message\":\"quota for key secret-key-123\"}}")));
        assertThat(throttled.problem().type()).isEqualTo(ProblemType.UPSTREAM_THROTTLED);
        assertThat(throttled.problem().retryAfter()).isEqualTo(Duration.ofSeconds(11));
        assertThat(throttled.problem().getMessage()).doesNotContain("secret");
        assertThat(run(serve(req -> req.response().setStatusCode(503).end()))
                        .problem()
                        .type())
                .isEqualTo(ProblemType.UPSTREAM_UNAVAILABLE);
        assertThat(run(serve(req -> req.response().setStatusCode(500).end()))
                        .problem()
                        .type())
                .isEqualTo(ProblemType.UPSTREAM_ERROR);
        Outcome rejected = run(serve(req -> req.response().setStatusCode(400).end("{\"error\":{}}")));
        assertThat(rejected.problem().type()).isEqualTo(ProblemType.UPSTREAM_REJECTED);
        assertThat(rejected.afterText()).isFalse();
    }

    @Test
    void noFirstByteInTimeIsATimeoutWithinConnectPlusRead() throws Exception {
        Outcome o = run(serve(req -> {}));
        assertThat(o.problem().type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
        assertThat(o.afterText()).isFalse();
        assertThat(o.millis())
                .isBetween(
                        CONNECT.plus(READ).toMillis() - 50, CONNECT.plus(READ).toMillis() + 1000);
    }

    @Test
    void aStallMidStreamIsATimeoutAfterText() throws Exception {
        Outcome o = run(serve(req -> req.body()
                .onSuccess(b -> req.response()
                        .setChunked(true)
                        .putHeader("content-type", "text/event-stream")
                        .write(CHUNK))));
        assertThat(o.texts()).containsExactly("Hola ");
        assertThat(o.problem().type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
        assertThat(o.afterText()).isTrue();
    }

    @Test
    void aSlowDripNeverOutlastsTheWholeStreamBound() throws Exception {
        Outcome o = run(serve(req -> req.body().onSuccess(b -> {
            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
            vertx.setPeriodic(200, id -> {
                if (req.response().closed()) {
                    vertx.cancelTimer(id);
                } else {
                    req.response().write(CHUNK);
                }
            });
        })));
        assertThat(o.problem().type()).isEqualTo(ProblemType.UPSTREAM_TIMEOUT);
        assertThat(o.afterText()).isTrue();
        assertThat(o.millis()).isBetween(MAX.toMillis() - 50, MAX.toMillis() + 1000);
    }

    @Test
    void aConnectionDroppedMidStreamIsAFailureAfterText() throws Exception {
        Outcome o = run(serve(req -> req.body().onSuccess(b -> {
            req.response()
                    .setChunked(true)
                    .putHeader("content-type", "text/event-stream")
                    .write(CHUNK);
            vertx.setTimer(50, id -> req.connection().close());
        })));
        assertThat(o.texts()).containsExactly("Hola ");
        assertThat(o.problem().type().status()).isBetween(502, 504);
        assertThat(o.afterText()).isTrue();
    }

    @Test
    void anEndWithoutFinishOrAnErrorEventOrGarbageIsABadResponse() throws Exception {
        assertThat(run(serve(sse(CHUNK))).problem().type()).isEqualTo(ProblemType.UPSTREAM_BAD_RESPONSE);
        Outcome err = run(serve(sse(CHUNK, "data: {\"error\":{\"code\":429,\"message\":\"x\"}}\r\n\r\n")));
        assertThat(err.problem().type()).isEqualTo(ProblemType.UPSTREAM_THROTTLED);
        assertThat(err.afterText()).isTrue();
        assertThat(run(serve(sse("data: not json\r\n\r\n"))).problem().type())
                .isEqualTo(ProblemType.UPSTREAM_BAD_RESPONSE);
    }

    @Test
    void nobodyListeningIsUnavailable() throws Exception {
        java.net.ServerSocket s = new java.net.ServerSocket(0);
        int port = s.getLocalPort();
        s.close();
        Outcome o = run(URI.create("http://127.0.0.1:" + port));
        assertThat(o.problem().type()).isEqualTo(ProblemType.UPSTREAM_UNAVAILABLE);
    }
}
