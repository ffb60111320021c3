package dev.livetoken.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import dev.livetoken.support.TestJwts;

/**
 * First-byte overhead of {@code POST /v1/translations} (SSE) over the upstream's own first byte.
 * Starts a {@code streamGenerateContent?alt=sse} stub on loopback whose first chunk comes after a
 * fixed delay (then four more, 10 ms apart), launches the packaged service against it (JWT
 * verification, policy, character limits counted, audit on), and keeps N streams in flight
 * (closed loop) twice: straight at the stub, and through the service. For each stream it times the
 * first byte of translated text at the client; the overhead is that time minus the stub's fixed
 * delay, shown for both paths so the loopback cost itself is visible.
 */
public final class TranslationBenchmark {

    static final String TEXT = "The architecture of the new model allows for parallel processing of tokens.";

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new java.util.HashMap<>();
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            opt.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int streams = Integer.parseInt(opt.getOrDefault("streams", "50"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "15"));
        long delayMs = Long.parseLong(opt.getOrDefault("first-byte-delay", "200"));
        String jar = opt.getOrDefault("jar", "target/quarkus-app/quarkus-run.jar");
        String jvm = opt.getOrDefault("jvm", "");

        Vertx vertx = Vertx.vertx();
        HttpServer stub = startStub(vertx, delayMs);
        int port = MintBenchmark.freePort();
        Map<String, String> env = new java.util.HashMap<>(opt);
        // Character limits on (counted on every translation) but far from binding.
        env.putIfAbsent("env.LIVETOKEN_DEFAULT_POLICY_USER_CHARACTERS_PER_DAY", "1000000000000");
        env.putIfAbsent("env.LIVETOKEN_DEFAULT_POLICY_TENANT_CHARACTERS_PER_DAY", "1000000000000");
        env.putIfAbsent("env.LIVETOKEN_OPS_ACCESS_LOG_ENABLED", "true");
        Process service = MintBenchmark.launch(jar, port, stub.actualPort(), jvm, env);
        try {
            MintBenchmark.waitUntilUp(port, Duration.ofSeconds(90));
            String[] bearer = new String[streams];
            for (int i = 0; i < streams; i++) {
                bearer[i] = "Bearer "
                        + TestJwts.user("user-" + i, "tenant-" + (i % 5))
                                .claim("exp", java.time.Instant.now().getEpochSecond() + 3600)
                                .sign();
            }
            HttpClient toService = client(vertx, port, streams);
            HttpClient toStub = client(vertx, stub.actualPort(), streams);
            System.out.printf(
                    Locale.ROOT,
                    "stub first-byte delay %d ms; %d concurrent streams; warm-up %d s, then %d s per path%n",
                    delayMs,
                    streams,
                    warmup,
                    seconds);
            run(streams, warmup, i -> viaService(toService, bearer[i]));
            run(streams, warmup, i -> direct(toStub));
            long[] direct = run(streams, seconds, i -> direct(toStub));
            long[] via = run(streams, seconds, i -> viaService(toService, bearer[i]));
            report("direct to the upstream stub", direct, delayMs, seconds);
            report("through POST /v1/translations", via, delayMs, seconds);
            System.out.printf(
                    Locale.ROOT,
                    "service overhead on first byte: p50 %.1f ms, p99 %.1f ms (service minus direct, same percentile)%n",
                    (pct(via, 50) - pct(direct, 50)) / 1000.0,
                    (pct(via, 99) - pct(direct, 99)) / 1000.0);
            System.out.println("service RSS: " + MintBenchmark.rss(service.pid()));
        } finally {
            service.destroy();
            service.waitFor(20, TimeUnit.SECONDS);
            vertx.close();
        }
    }

    interface Stream {
        CompletableFuture<Long> start(int worker);
    }

    /** Keeps {@code streams} streams in flight for {@code seconds}; returns each one's first-byte time in microseconds. */
    static long[] run(int streams, int seconds, Stream s) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Long> out = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < streams; w++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loop(w, s, end, out, failures, done);
            workers.add(done);
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(seconds + 60L, TimeUnit.SECONDS);
        if (failures.get() > 0) {
            System.out.println("  failed streams: " + failures.get());
        }
        return out.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static void loop(
            int w, Stream s, long end, List<Long> out, AtomicInteger failures, CompletableFuture<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete(null);
            return;
        }
        s.start(w).whenComplete((micros, t) -> {
            if (t != null || micros == null || micros < 0) {
                failures.incrementAndGet();
            } else {
                out.add(micros);
            }
            loop(w, s, end, out, failures, done);
        });
    }

    static HttpClient client(Vertx vertx, int port, int streams) {
        return vertx.createHttpClient(
                new HttpClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(port)
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(streams));
    }

    static final Buffer SERVICE_BODY = Buffer.buffer("{\"text\":\"" + TEXT + "\",\"targetLanguageCode\":\"es\"}");
    static final Buffer UPSTREAM_BODY = Buffer.buffer("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + TEXT
            + "\"}]}],\"generationConfig\":{\"temperature\":0.1}}");

    static CompletableFuture<Long> viaService(HttpClient client, String bearer) {
        return firstByte(
                client,
                new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI("/v1/translations")
                        .putHeader("authorization", bearer)
                        .putHeader("content-type", "application/json")
                        .putHeader("accept", "text/event-stream"),
                SERVICE_BODY,
                "event: delta");
    }

    static CompletableFuture<Long> direct(HttpClient client) {
        return firstByte(
                client,
                new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setURI("/v1beta/models/gemini-3.1-flash-lite:streamGenerateContent?alt=sse")
                        .putHeader("x-goog-api-key", MintBenchmark.KEY)
                        .putHeader("content-type", "application/json"),
                UPSTREAM_BODY,
                "data: ");
    }

    /** Microseconds from sending to the first body bytes containing {@code marker}; the stream is read to its end. */
    static CompletableFuture<Long> firstByte(HttpClient client, RequestOptions ro, Buffer body, String marker) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        long start = System.nanoTime();
        long[] first = {-1};
        client.request(ro).compose(req -> req.send(body)).onComplete(ar -> {
            if (ar.failed() || ar.result().statusCode() != 200) {
                result.complete(-1L);
                if (ar.succeeded()) {
                    ar.result().body();
                }
                return;
            }
            var resp = ar.result();
            resp.handler(b -> {
                if (first[0] < 0 && b.toString().contains(marker)) {
                    first[0] = (System.nanoTime() - start) / 1000;
                }
            });
            resp.endHandler(v -> result.complete(first[0]));
            resp.exceptionHandler(t -> result.complete(-1L));
        });
        return result;
    }

    /** The upstream: first chunk after the fixed delay, four more 10 ms apart, Google's shape. */
    static HttpServer startStub(Vertx vertx, long delayMs) throws Exception {
        String[] pieces = {"[es] ehT ", "erutcetihcra fo ", "eht wen ledom ", "swolla rof ", "lellarap gnissecorp."};
        return vertx.createHttpServer()
                .requestHandler(req -> req.body().onComplete(b -> {
                    var resp = req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                    resp.write("");
                    for (int i = 0; i < pieces.length; i++) {
                        int n = i;
                        vertx.setTimer(delayMs + 10L * i, id -> {
                            boolean last = n == pieces.length - 1;
                            resp.write("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + pieces[n]
                                    + "\"}],\"role\":\"model\"}" + (last ? ",\"finishReason\":\"STOP\"" : "")
                                    + ",\"index\":0}],"
                                    + "\"usageMetadata\":{\"promptTokenCount\":40"
                                    + (last
                                            ? ",\"candidatesTokenCount\":20,\"totalTokenCount\":60"
                                            : ",\"totalTokenCount\":40")
                                    + "},\"modelVersion\":\"gemini-3.1-flash-lite\"}\r\n\r\n");
                            if (last) {
                                resp.end();
                            }
                        });
                    }
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static void report(String what, long[] micros, long delayMs, int seconds) {
        System.out.printf(
                Locale.ROOT,
                "%-32s %6d streams (%.0f/s): first byte p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " minus the upstream's %d ms: p50 %.1f ms, p99 %.1f ms%n",
                what,
                micros.length,
                micros.length / (double) seconds,
                pct(micros, 50) / 1000.0,
                pct(micros, 90) / 1000.0,
                pct(micros, 99) / 1000.0,
                micros.length == 0 ? Double.NaN : micros[micros.length - 1] / 1000.0,
                delayMs,
                pct(micros, 50) / 1000.0 - delayMs,
                pct(micros, 99) / 1000.0 - delayMs);
    }

    private TranslationBenchmark() {}
}
