package dev.livetoken.bench;

import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 * Load benchmark of {@code POST /v1/tokens}: starts a zero-latency {@code auth_tokens} stub on
 * loopback, launches the packaged service against it with JWT verification on, and measures
 * (1) the most mints per second with a fixed number of connections and (2) latency percentiles
 * at a fixed arrival rate, timed from each request's scheduled start (no coordinated omission).
 * Not a test: run it with bench/mint-bench.sh.
 */
public final class MintBenchmark {

    static final String KEY = "bench-fake-key";
    /**
     * The JVM as in a 256 MiB container running deploy/Dockerfile's JAVA_OPTS: -XX:MaxRAM sizes the
     * heap, and the Serial collector is named because that is what the JVM picks by itself in a
     * container under 1,792 MiB, while on this (larger) host -XX:MaxRAM alone leaves it on G1.
     */
    static final String CONTAINER_256_JVM =
            "-XX:MaxRAM=256m -XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -XX:+UseSerialGC";

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new java.util.HashMap<>();
        for (String a : args) {
            String[] kv = a.replaceFirst("^--", "").split("=", 2);
            opt.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int connections = Integer.parseInt(opt.getOrDefault("connections", "32"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "20"));
        int warmup = Integer.parseInt(opt.getOrDefault("warmup", "30"));
        int rate = Integer.parseInt(opt.getOrDefault("rate", "1000"));
        int users = Integer.parseInt(opt.getOrDefault("users", "1000"));
        String jar = opt.getOrDefault("jar", "target/quarkus-app/quarkus-run.jar");
        String extraJvm = opt.getOrDefault("jvm", "");
        // The sizing the targets are stated for: a 256 MiB container running the image's JAVA_OPTS.
        if (!"default".equals(opt.getOrDefault("sizing", "container256"))) {
            extraJvm = (CONTAINER_256_JVM + " " + extraJvm).trim();
        }
        if (opt.containsKey("aot-cache")) {
            // The image's AOT cache (deploy/AotTraining.java made it, as the Dockerfile does).
            extraJvm = (extraJvm + " -XX:AOTCache=" + opt.get("aot-cache")).trim();
        }
        int rounds = Integer.parseInt(opt.getOrDefault("rounds", "3"));
        boolean withPeer = !"false".equals(opt.get("peer"));

        Map<String, String> summary = new java.util.HashMap<>();
        Vertx vertx = Vertx.vertx();
        HttpServer stub = startStub(vertx);
        int servicePort = freePort();
        System.out.printf(
                Locale.ROOT,
                "upstream stub on 127.0.0.1:%d, service on 127.0.0.1:%d%n",
                stub.actualPort(),
                servicePort);

        Process service = launch(jar, servicePort, stub.actualPort(), extraJvm, opt);
        try {
            long started = System.nanoTime();
            waitUntilUp(servicePort, Duration.ofSeconds(60));
            double startup = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "service answered after %.2f s (JVM launch to first answer)%n", startup);
            summary.put("startup", String.format(Locale.ROOT, "%.2f s", startup));

            String[] bearer = new String[users];
            for (int i = 0; i < users; i++) {
                bearer[i] = "Bearer "
                        + TestJwts.user("user-" + i, "tenant-" + (i % 10))
                                .claim("exp", java.time.Instant.now().getEpochSecond() + 3600)
                                .sign();
            }
            HttpClient client = vertx.createHttpClient(
                    new HttpClientOptions()
                            .setDefaultHost("127.0.0.1")
                            .setDefaultPort(servicePort)
                            .setKeepAlive(true),
                    new PoolOptions().setHttp1MaxSize(connections));

            boolean useWrk = !"jvm".equals(opt.get("driver")) && onPath("wrk");
            if (useWrk) {
                // wrk (C, epoll) leaves the servers far more of the 2 cores than a JVM client would.
                Path script = wrkScript(bearer);
                Process peer = withPeer ? Peer.start(stub.actualPort()) : null;
                try {
                    System.out.printf(
                            Locale.ROOT,
                            "warm-up %d s each (%d users, %d connections) ...%n",
                            warmup,
                            users,
                            connections);
                    wrk(script, servicePort, connections, warmup);
                    if (peer != null) {
                        wrk(script, Peer.PORT, connections, warmup);
                    }
                    double[] us = new double[rounds];
                    double[] them = new double[rounds];
                    double[] usCpu = new double[rounds];
                    double[] themCpu = new double[rounds];
                    System.out.printf(
                            Locale.ROOT,
                            "%nTHROUGHPUT, %d alternating rounds of %d s, %d connections, %d users:%n",
                            rounds,
                            seconds,
                            connections,
                            users);
                    for (int round = 0; round < rounds; round++) {
                        long cpu0 = cpuMicros(service.pid());
                        Wrk ours = Wrk.parse(wrk(script, servicePort, connections, seconds));
                        us[round] = ours.perSecond();
                        usCpu[round] = (cpuMicros(service.pid()) - cpu0) / Math.max(1.0, ours.requests());
                        String line = String.format(
                                Locale.ROOT,
                                "  round %d: service %,.0f mints/s (p99 %s, non-201 %d, CPU %.0f us/mint)",
                                round + 1,
                                ours.perSecond(),
                                ours.p99(),
                                ours.errors(),
                                usCpu[round]);
                        if (peer != null) {
                            long peerCpu0 = cpuMicros(peer.pid());
                            Wrk peers = Wrk.parse(wrk(script, Peer.PORT, connections, seconds));
                            them[round] = peers.perSecond();
                            themCpu[round] = (cpuMicros(peer.pid()) - peerCpu0) / Math.max(1.0, peers.requests());
                            line += String.format(
                                    Locale.ROOT,
                                    "   peer %,.0f mints/s (p99 %s, non-201 %d, CPU %.0f us/mint)   ratio %.2f",
                                    peers.perSecond(),
                                    peers.p99(),
                                    peers.errors(),
                                    themCpu[round],
                                    ours.perSecond() / peers.perSecond());
                        }
                        System.out.println(line);
                    }
                    System.out.printf(Locale.ROOT, "  median: service %,.0f mints/s", median(us));
                    if (peer != null) {
                        double[] ratios = new double[rounds];
                        for (int i = 0; i < rounds; i++) {
                            ratios[i] = us[i] / them[i];
                        }
                        double[] cpuRatios = new double[rounds];
                        for (int i = 0; i < rounds; i++) {
                            cpuRatios[i] = themCpu[i] / usCpu[i];
                        }
                        System.out.printf(
                                Locale.ROOT,
                                ", peer %,.0f mints/s, RATIO us/peer %.2f (median of rounds)%n",
                                median(them),
                                median(ratios));
                        // CPU time per mint is far less sensitive to a busy machine than mints/s.
                        System.out.printf(
                                Locale.ROOT,
                                "  CPU per mint: service %.0f us, peer %.0f us, CPU RATIO peer/us %.2f (median of rounds)%n",
                                median(usCpu),
                                median(themCpu),
                                median(cpuRatios));
                        summary.put("ratio", String.format(Locale.ROOT, "%.2f", median(ratios)));
                        summary.put("cpu-ratio", String.format(Locale.ROOT, "%.2f", median(cpuRatios)));
                        summary.put("us", String.format(Locale.ROOT, "%.0f", median(us)));
                        summary.put("peer", String.format(Locale.ROOT, "%.0f", median(them)));
                        System.out.printf(Locale.ROOT, "  peer resident memory: %s%n", rss(peer.pid()));
                    } else {
                        System.out.println();
                    }
                } finally {
                    if (peer != null) {
                        peer.destroy();
                    }
                }
            } else {
                System.out.println(
                        "warm-up " + warmup + " s ... (JVM driver: no wrk on the PATH, so no peer comparison)");
                closedLoop(client, bearer, connections, warmup);
                Result max = closedLoop(client, bearer, connections, seconds);
                System.out.printf(
                        Locale.ROOT,
                        "%nTHROUGHPUT (%d connections, %d s): %.0f mints/s, errors %d%n",
                        connections,
                        seconds,
                        max.count / (double) seconds,
                        max.errors);
                max.print();
            }
            System.out.printf(Locale.ROOT, "service resident memory after full load: %s%n", rss(service.pid()));

            // The JVM client itself needs warming too, or its own JIT work shows up as service latency.
            openLoop(vertx, client, bearer, rate, Math.min(5, warmup));
            Result fixed = openLoop(vertx, client, bearer, rate, seconds);
            System.out.printf(
                    Locale.ROOT,
                    "%nFIXED RATE %d req/s for %d s: %d done, errors %d%n",
                    rate,
                    seconds,
                    fixed.count,
                    fixed.errors);
            fixed.print();
            System.out.printf(Locale.ROOT, "%nservice resident memory: %s%n", rss(service.pid()));
            summary.put("p50", String.format(Locale.ROOT, "%.2f", Result.pct(fixed.sorted(), 50)));
            summary.put("p99", String.format(Locale.ROOT, "%.2f", Result.pct(fixed.sorted(), 99)));
            summary.put("rss", rss(service.pid()).replace("VmRSS: ", ""));
            // One line for bench/mint-bench.sh's table of both stores.
            System.out.printf(
                    Locale.ROOT,
                    "SUMMARY store=%s us=%s peer=%s ratio=%s cpu-ratio=%s p50=%s p99=%s rss=%s startup=%s%n",
                    opt.containsKey("main")
                            ? "floor-no-store"
                            : opt.getOrDefault("env.QUARKUS_DATASOURCE_JDBC_URL", "")
                                            .isBlank()
                                    ? "embedded-h2"
                                    : "postgresql",
                    summary.get("us"),
                    summary.get("peer"),
                    summary.get("ratio"),
                    summary.get("cpu-ratio"),
                    summary.get("p50"),
                    summary.get("p99"),
                    summary.get("rss"),
                    summary.get("startup"));
            System.out.printf(Locale.ROOT, "JVM options: %s%n", extraJvm.isBlank() ? "(none)" : extraJvm);
            System.out.printf(Locale.ROOT, "upstream stub answered %d auth_tokens calls%n", STUB_CALLS.get());
            client.close();
        } finally {
            service.destroy();
            service.waitFor(10, TimeUnit.SECONDS);
            vertx.close();
        }
        if (STORE_FILE != null && Files.exists(STORE_FILE)) {
            // H2 keeps freed chunks for its retention time, so the file grows with the commit rate.
            System.out.printf(
                    Locale.ROOT,
                    "embedded store file after the run: %,d MB for %,d mints%n",
                    Files.size(STORE_FILE) / 1_000_000,
                    STUB_CALLS.get());
        }
    }

    static Path STORE_FILE;

    static final AtomicLong STUB_CALLS = new AtomicLong();

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A wrk script that posts mints, each request with the next user's JWT. */
    static Path wrkScript(String[] bearer) throws Exception {
        StringBuilder lua = new StringBuilder("local tokens = {\n");
        for (String b : bearer) {
            lua.append("  \"").append(b).append("\",\n");
        }
        lua.append("}\nlocal i = 0\nrequest = function()\n  i = i % #tokens + 1\n")
                .append("  return wrk.format(\"POST\", \"/v1/tokens\", {[\"Authorization\"] = tokens[i], ")
                .append("[\"Content-Type\"] = \"application/json\"}, '{\"targetLanguageCode\":\"es\"}')\nend\n");
        Path script = Path.of("target", "bench-mint.lua");
        Files.writeString(script, lua);
        return script;
    }

    static String wrk(Path script, int port, int connections, int seconds) throws Exception {
        Process p = new ProcessBuilder(
                        "wrk",
                        "-t1",
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--latency",
                        "-s",
                        script.toString(),
                        "http://127.0.0.1:" + port)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    static HttpServer startStub(Vertx vertx) throws Exception {
        Buffer[] answers = new Buffer[1];
        answers[0] = Buffer.buffer("{\"name\":\"auth_tokens/bench-stub-token\"}");
        return vertx.createHttpServer()
                .requestHandler(req -> req.body().onComplete(b -> {
                    STUB_CALLS.incrementAndGet();
                    req.response().putHeader("content-type", "application/json").end(answers[0]);
                }))
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    static Process launch(String jar, int port, int stubPort, String extraJvm, Map<String, String> opt)
            throws Exception {
        Path pem = Path.of("src/main/resources/dev/jwt-public.pem").toAbsolutePath();
        var cmd = new java.util.ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!extraJvm.isBlank()) {
            cmd.addAll(Arrays.asList(extraJvm.split(" ")));
        }
        String main = opt.get("main");
        if (main != null) {
            // A benchmark-only server class (FloorServer) in the service's place, same env, same load.
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(main);
        } else {
            cmd.add("-jar");
            cmd.add(jar);
        }
        ProcessBuilder pb =
                new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("target/bench-service.log"));
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("LIVETOKEN_UPSTREAM_BASE_URL", "http://127.0.0.1:" + stubPort);
        env.put("GEMINI_API_KEY", KEY);
        env.put("MP_JWT_VERIFY_ISSUER", TestJwts.ISSUER);
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", pem.toUri().toString());
        env.put("LIVETOKEN_AUDIT_HMAC_KEY", "benchmark-audit-hmac-key-0123456789abcdef");
        // A fresh embedded store per run (unless PostgreSQL is given with --env.QUARKUS_DATASOURCE_JDBC_URL).
        Path store = Path.of("target", "bench-data", String.valueOf(System.currentTimeMillis()), "livetoken")
                .toAbsolutePath();
        STORE_FILE = Path.of(store + ".mv.db");
        env.put("LIVETOKEN_STORE_EMBEDDED_PATH", store.toString());
        // Every tenant falls back to the default policy, with limits switched on (counted and checked
        // on every mint) but set high enough that the benchmark measures cost, not refusals.
        env.put("LIVETOKEN_DEFAULT_POLICY_SEED", "true");
        env.put("LIVETOKEN_DEFAULT_POLICY_USER_RATE_PER_MINUTE", "1000000");
        env.put("LIVETOKEN_DEFAULT_POLICY_USER_QUOTA_PER_DAY", "100000000");
        opt.forEach((k, v) -> {
            if (k.startsWith("env.")) {
                env.put(k.substring(4), v);
            }
        });
        return pb.start();
    }

    static void waitUntilUp(int port, Duration max) throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/languages"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 401) {
                    return;
                }
            } catch (java.io.IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("service did not come up; see target/bench-service.log");
    }

    static final Buffer BODY = Buffer.buffer("{\"targetLanguageCode\":\"es\"}");

    static CompletableFuture<Integer> mint(HttpClient client, String bearer) {
        RequestOptions ro = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setURI("/v1/tokens")
                .putHeader("authorization", bearer)
                .putHeader("content-type", "application/json");
        return client.request(ro)
                .compose(req -> req.send(BODY).compose(resp -> resp.body().map(b -> resp.statusCode())))
                .toCompletionStage()
                .toCompletableFuture();
    }

    /** Latencies in microseconds, plus counts. */
    static final class Result {
        final long[] micros;
        int n;
        long count;
        long errors;

        Result(int capacity) {
            micros = new long[capacity];
        }

        synchronized void add(long us, boolean ok) {
            count++;
            if (!ok) {
                errors++;
            }
            if (n < micros.length) {
                micros[n++] = us;
            }
        }

        long[] sorted() {
            long[] s = Arrays.copyOf(micros, n);
            Arrays.sort(s);
            return s;
        }

        void print() {
            long[] s = Arrays.copyOf(micros, n);
            Arrays.sort(s);
            if (s.length == 0) {
                System.out.println("  no samples");
                return;
            }
            System.out.printf(
                    Locale.ROOT,
                    "  latency ms: p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f%n",
                    pct(s, 50),
                    pct(s, 90),
                    pct(s, 99),
                    pct(s, 99.9),
                    s[s.length - 1] / 1000.0);
        }

        static double pct(long[] sorted, double p) {
            int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
        }
    }

    static Result closedLoop(HttpClient client, String[] bearer, int connections, int seconds) throws Exception {
        Result r = new Result(20_000_000);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(connections);
        AtomicInteger next = new AtomicInteger();
        for (int c = 0; c < connections; c++) {
            loop(client, bearer, next, r, end, done);
        }
        done.await(seconds + 30L, TimeUnit.SECONDS);
        return r;
    }

    private static void loop(
            HttpClient client, String[] bearer, AtomicInteger next, Result r, long end, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long t0 = System.nanoTime();
        mint(client, bearer[Math.floorMod(next.getAndIncrement(), bearer.length)])
                .whenComplete((status, err) -> {
                    r.add((System.nanoTime() - t0) / 1000, err == null && status == 201);
                    loop(client, bearer, next, r, end, done);
                });
    }

    static Result openLoop(Vertx vertx, HttpClient client, String[] bearer, int rate, int seconds) throws Exception {
        Result r = new Result(rate * seconds + 10);
        long total = (long) rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        CountDownLatch done = new CountDownLatch((int) total);
        AtomicLong sent = new AtomicLong();
        // A 1 ms tick sends every request whose scheduled time has come; latency counts from the
        // schedule, so a stalled server is charged for the queue it causes.
        long timer = vertx.setPeriodic(1, id -> {
            long now = System.nanoTime();
            while (sent.get() < total) {
                long i = sent.get();
                long scheduled = start + i * intervalNanos;
                if (scheduled > now) {
                    break;
                }
                sent.incrementAndGet();
                mint(client, bearer[(int) (i % bearer.length)]).whenComplete((status, err) -> {
                    r.add((System.nanoTime() - scheduled) / 1000, err == null && status == 201);
                    done.countDown();
                });
            }
        });
        done.await(seconds + 60L, TimeUnit.SECONDS);
        vertx.cancelTimer(timer);
        return r;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** What one wrk run printed: requests per second, the 99th percentile and non-2xx/3xx answers. */
    record Wrk(double perSecond, String p99, long errors, long requests) {
        static Wrk parse(String out) {
            double rps = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)", "0"));
            long requests = Long.parseLong(find(out, "([0-9]+) requests in", "0"));
            long errors = Long.parseLong(find(out, "Non-2xx or 3xx responses:\\s+([0-9]+)", "0"))
                    + Long.parseLong(find(out, "Socket errors:.*?timeout ([0-9]+)", "0"));
            return new Wrk(rps, find(out, "\\n\\s+99%\\s+(\\S+)", "n/a"), errors, requests);
        }

        private static String find(String out, String regex, String otherwise) {
            var m = java.util.regex.Pattern.compile(regex).matcher(out);
            return m.find() ? m.group(1) : otherwise;
        }
    }

    /**
     * The peer from ../shared/bench/peer-node (jose RS256 verify + the official SDK's
     * authTokens.create), copied out of the read-only shared folder, installed with npm ci, and
     * pointed at the same stub upstream, verifying the same JWTs as the service.
     */
    static final class Peer {
        static final int PORT = 18091;

        static Process start(int stubPort) throws Exception {
            Path shared = Path.of("..", "shared", "bench", "peer-node");
            if (!Files.isDirectory(shared) || !onPath("node") || !onPath("npm")) {
                throw new IllegalStateException(
                        "the peer needs ../shared/bench/peer-node, node and npm (or pass --peer=false)");
            }
            Path dir = Path.of("target", "bench-peer");
            if (!Files.isDirectory(dir.resolve("node_modules"))) {
                Files.createDirectories(dir);
                for (String f : new String[] {"package.json", "package-lock.json", "server.mjs"}) {
                    Files.copy(shared.resolve(f), dir.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("npm.log").toFile())
                        .start();
                if (npm.waitFor() != 0) {
                    throw new IllegalStateException("npm ci for the peer failed; see " + dir.resolve("npm.log"));
                }
            }
            ProcessBuilder pb = new ProcessBuilder("node", "server.mjs")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("peer.log").toFile());
            pb.environment().put("PORT", String.valueOf(PORT));
            pb.environment()
                    .put(
                            "JWT_PUBLIC_KEY",
                            Path.of("src/main/resources/dev/jwt-public.pem")
                                    .toAbsolutePath()
                                    .toString());
            pb.environment().put("JWT_ISSUER", TestJwts.ISSUER);
            pb.environment().put("JWT_AUDIENCE", "live-token-service");
            pb.environment().put("UPSTREAM", "http://127.0.0.1:" + stubPort);
            Process p = pb.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                try (var s = new java.net.Socket("127.0.0.1", PORT)) {
                    return p;
                } catch (java.io.IOException e) {
                    Thread.sleep(50);
                }
            }
            p.destroy();
            throw new IllegalStateException("the peer did not start; see " + dir.resolve("peer.log"));
        }
    }

    static int freePort() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** User + system CPU time of a process so far, from /proc (clock ticks of 10 ms). */
    static long cpuMicros(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000L;
        } catch (Exception e) {
            return 0;
        }
    }

    static String rss(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS"))
                    .findFirst()
                    .orElse("n/a")
                    .replaceAll("\\s+", " ");
        } catch (Exception e) {
            return "n/a";
        }
    }
}
