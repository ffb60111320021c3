import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Training run for the JDK AOT cache (JEP 483/515, JDK 25): starts the packaged service with
 * {@code -XX:AOTCacheOutput}, drives real mints through it for a while, and stops it; at exit the JVM
 * writes the cache: the classes the service loaded and linked, and the method profiles of the mint
 * path, so the next start maps them instead of loading, and the JIT compiles the hot path early
 * instead of after a minute of full load (docs/performance.md).
 * <p>
 * Needs only the JDK (run as a source file: {@code java deploy/AotTraining.java <jar> <cache> [jvm
 * options...]}). Nothing of it reaches production but the cache: its JWT key pair, audit key and
 * store are made for the run and deleted; the upstream is the service's own emulator, switched on
 * for this run only, so no Gemini key is involved.
 */
public final class AotTraining {

    static final int USERS = 200;
    static final int MINTS = Integer.getInteger("aot.training.mints", 20_000);

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java deploy/AotTraining.java <quarkus-run.jar> <cache.aot> [jvm options...]");
            System.exit(2);
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path cache = Path.of(args[1]).toAbsolutePath();
        Path work = Files.createTempDirectory("aot-training");
        KeyPair keys = KeyPairGenerator.getInstance("RSA").genKeyPair();
        Path pem = work.resolve("jwt-public.pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (int i = 2; i < args.length; i++) {
            cmd.add(args[i]);
        }
        cmd.add("-XX:AOTCacheOutput=" + cache);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(work.resolve("service.log").toFile());
        var env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("LIVETOKEN_EMULATOR_ENABLED", "true");
        env.put("LIVETOKEN_EMULATOR_API_KEYS", "aot-training-key");
        env.put("GEMINI_API_KEY", "aot-training-key");
        env.put("LIVETOKEN_UPSTREAM_BASE_URL", "http://127.0.0.1:" + port);
        env.put("MP_JWT_VERIFY_ISSUER", "https://aot-training.invalid");
        env.put("MP_JWT_VERIFY_AUDIENCES", "live-token-service");
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", pem.toUri().toString());
        env.put("LIVETOKEN_AUDIT_HMAC_KEY", HexFormat.of().formatHex(new SecureRandom().generateSeed(32)));
        env.put("LIVETOKEN_STORE_EMBEDDED_PATH", work.resolve("store").toString());
        env.put("LIVETOKEN_DEFAULT_POLICY_SEED", "true");
        // Limits on, as in production, so the counters' statements are part of what is trained.
        env.put("LIVETOKEN_DEFAULT_POLICY_USER_RATE_PER_MINUTE", "1000000");
        env.put("LIVETOKEN_DEFAULT_POLICY_USER_QUOTA_PER_DAY", "100000000");
        env.put("LIVETOKEN_EMULATOR_MAX_TOKENS", "1000000");
        env.remove("QUARKUS_DATASOURCE_JDBC_URL");
        Process service = pb.start();
        int status = 0;
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            waitUntilUp(http, port, service);
            status = drive(http, port, keys.getPrivate());
        } finally {
            service.destroy(); // SIGTERM: the JVM writes the cache on its way out
            if (!service.waitFor(10, TimeUnit.MINUTES)) {
                service.destroyForcibly();
            }
            System.out.print(Files.readString(work.resolve("service.log"))
                    .lines()
                    .filter(l -> l.contains("AOT"))
                    .reduce("", (a, b) -> a + b + "\n"));
            deleteTree(work);
        }
        if (status != 0 || !Files.isRegularFile(cache)) {
            System.err.println("AOT training failed: " + (status != 0 ? "mints were refused" : "no cache written"));
            System.exit(1);
        }
        System.out.println("AOT cache: " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MiB)");
    }

    private static void waitUntilUp(HttpClient http, int port, Process service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new IllegalStateException("the service exited during startup");
            }
            try {
                var r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the service did not become ready");
    }

    /** Mints from many users, side by side, plus a few refusals; 0 when every mint got its 201. */
    private static int drive(HttpClient http, int port, PrivateKey key) throws Exception {
        String[] bearer = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            bearer[i] = "Bearer " + jwt(key, "user-" + i, "tenant-" + (i % 10));
        }
        URI mint = URI.create("http://127.0.0.1:" + port + "/v1/tokens");
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(16)) {
            for (int t = 0; t < 16; t++) {
                pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < MINTS; ) {
                        String body = i % 3 == 0 ? "" : "{\"targetLanguageCode\":\"" + (i % 2 == 0 ? "es" : "ja") + "\"}";
                        try {
                            var r = http.send(
                                    HttpRequest.newBuilder(mint)
                                            .header("Authorization", bearer[i % USERS])
                                            .header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding());
                            if (r.statusCode() != 201) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        }
        // The refusals a real service answers too: no JWT, a bad body.
        http.send(HttpRequest.newBuilder(mint).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        http.send(
                HttpRequest.newBuilder(mint)
                        .header("Authorization", bearer[0])
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"targetLanguageCode\":7}"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        System.out.println("AOT training: " + MINTS + " mints, " + failed.get() + " not 201");
        return failed.get() == 0 ? 0 : 1;
    }

    private static String jwt(PrivateKey key, String subject, String tenant) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String header = b64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = b64("{\"iss\":\"https://aot-training.invalid\",\"aud\":\"live-token-service\",\"sub\":\""
                + subject + "\",\"tenant\":\"" + tenant + "\",\"iat\":" + now + ",\"exp\":" + (now + 3000) + "}");
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private AotTraining() {}
}
