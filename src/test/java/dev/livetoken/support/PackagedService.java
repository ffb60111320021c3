package dev.livetoken.support;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The packaged service ({@code target/quarkus-app}, built by {@code ./mvnw package}) run as a child
 * JVM in the prod profile, the way an operator runs it: emulator switched on as its own upstream,
 * JWTs signed by the dev key trusted. For integration tests ({@code *IT}) that need a real process
 * (kill -9, several replicas).
 */
public final class PackagedService {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private final Map<String, String> env = new LinkedHashMap<>();
    private final File log;
    private final int port;
    private Process process;

    /** A service on a free port, writing its output to {@code log}, with {@code extraEnv} on top. */
    public PackagedService(File log, Map<String, String> extraEnv) throws IOException {
        this.log = log;
        this.port = freePort();
        String pem = Path.of("src/main/resources/dev/jwt-public.pem")
                .toAbsolutePath()
                .toUri()
                .toString();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("LIVETOKEN_EMULATOR_ENABLED", "true");
        env.put("LIVETOKEN_UPSTREAM_BASE_URL", base());
        env.put("GEMINI_API_KEY", "emulator-dev-key");
        env.put("MP_JWT_VERIFY_ISSUER", TestJwts.ISSUER);
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", pem);
        env.put("LIVETOKEN_AUDIT_HMAC_KEY", "integration-test-audit-key-0123456789abcdef");
        env.putAll(extraEnv);
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    /** Starts the JVM and waits until it is ready. */
    public PackagedService start() throws Exception {
        if (!JAR.toFile().exists()) {
            throw new IllegalStateException(JAR + " is missing: run after package (./mvnw verify)");
        }
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().putAll(env);
        process = pb.start();
        waitReady();
        return this;
    }

    /** SIGKILL on Linux: no shutdown hook, no store close, exactly what a crash or an OOM kill does. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM and wait. */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    private void waitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service died; see " + log);
            }
            try {
                if (HTTP.send(
                                        HttpRequest.newBuilder(URI.create(base() + "/q/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the service was not ready in 90 s; see " + log);
    }

    /** One call; {@code body} null means none. */
    public HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", bearer)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
