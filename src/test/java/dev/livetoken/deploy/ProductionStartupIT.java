package dev.livetoken.deploy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.livetoken.bootstrap.ProductionSettings;
import dev.livetoken.support.TestJwts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged service started as an operator starts it (run after package: ./mvnw verify). With
 * settings missing or wrong it exits at once with status 1 and one message naming every problem
 * by environment variable; with the settings of deploy/README.md's documented {@code docker run}
 * (and the image's own ENV) it becomes ready, and the README's platform-admin JWT recipe creates
 * the first policy, after which a user mints.
 */
class ProductionStartupIT {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    static final String HMAC = "it-audit-hmac-key-0123456789abcdef-0123456789";
    static final String GEMINI = "AIzaIntegrationTestKey-0123456789";
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    record Exit(int status, String output, Duration took) {}

    ProcessBuilder service(Map<String, String> env, String logName) throws IOException {
        assertThat(JAR).as("run after package (./mvnw verify)").exists();
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-jar",
                        JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve(logName + ".log").toFile());
        pb.environment().clear(); // nothing from the build's own environment (a PostgreSQL URL, say)
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
        pb.environment()
                .put(
                        "LIVETOKEN_STORE_EMBEDDED_PATH",
                        tmp.resolve(logName + "-store/livetoken").toString());
        pb.environment().putAll(env);
        return pb;
    }

    Exit runToExit(Map<String, String> env, String logName) throws Exception {
        long start = System.nanoTime();
        Process p = service(env, logName).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the service did not stop on its bad configuration; it should never start");
        }
        return new Exit(
                p.exitValue(),
                Files.readString(tmp.resolve(logName + ".log")),
                Duration.ofNanos(System.nanoTime() - start));
    }

    static Map<String, String> complete() {
        Map<String, String> env = new HashMap<>();
        env.put("GEMINI_API_KEY", GEMINI);
        env.put("LIVETOKEN_AUDIT_HMAC_KEY", HMAC);
        env.put("MP_JWT_VERIFY_ISSUER", "https://login.example.com/");
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "dev/jwt-public.pem");
        return env;
    }

    @Test
    void withNothingConfiguredItExitsListingEveryRequiredSettingInOneMessage() throws Exception {
        Exit exit = runToExit(Map.of(), "nothing");
        assertThat(exit.status()).as(exit.output()).isEqualTo(1);
        assertThat(exit.output())
                .contains("Live Token Service cannot start: " + ProductionSettings.REQUIRED.size()
                        + " settings are missing or invalid");
        for (String env : ProductionSettings.REQUIRED) {
            assertThat(exit.output()).contains("  - " + env + " (");
        }
        assertThat(exit.output()).as("one clean message, no stack trace").doesNotContain("\tat ");
    }

    @Test
    void aWrongKeyLocationStopsTheStartWithThePathAndTheReasonAndNoSecret() throws Exception {
        Map<String, String> env = complete();
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", "/etc/livetoken/keys/idp-public.pem");
        Exit exit = runToExit(env, "wrong-key");
        assertThat(exit.status()).as(exit.output()).isEqualTo(1);
        assertThat(exit.output())
                .contains("cannot start: 1 setting is missing or invalid")
                .contains("MP_JWT_VERIFY_PUBLICKEY_LOCATION (mp.jwt.verify.publickey.location): "
                        + "/etc/livetoken/keys/idp-public.pem: file not found")
                .doesNotContain(HMAC)
                .doesNotContain(GEMINI)
                .doesNotContain("Unexpected DeploymentException");
        assertThat(exit.took()).as("fails at startup, not on the first request").isLessThan(Duration.ofSeconds(45));
    }

    @Test
    void aKeyFileThatIsNotAPublicKeyIsRefused() throws Exception {
        Path html = Files.writeString(tmp.resolve("jwks.html"), "<html>login page</html>\n");
        Map<String, String> env = complete();
        env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", html.toString());
        env.put("LIVETOKEN_AUDIT_HMAC_KEY", "short");
        Exit exit = runToExit(env, "not-a-key");
        assertThat(exit.status()).as(exit.output()).isEqualTo(1);
        assertThat(exit.output())
                .contains("cannot start: 2 settings are missing or invalid")
                .contains(html + ": not a PEM public key, PEM certificate, JWK or JWKS")
                .contains("LIVETOKEN_AUDIT_HMAC_KEY (livetoken.audit.hmac-key): is 5 characters long");
    }

    @Test
    void theDocumentedDockerRunStartsAndTheDocumentedPlatformAdminJwtCreatesTheFirstPolicy() throws Exception {
        String readme = RepoFiles.read("deploy/README.md");
        Map<String, String> env = new HashMap<>(DockerfileRules.finalStageEnv(RepoFiles.read("deploy/Dockerfile")));
        env.keySet()
                .removeIf(k -> k.startsWith("JAVA_OPTS")
                        || k.equals("HOME")
                        || k.equals("QUARKUS_HTTP_HOST")
                        || k.equals(
                                "LIVETOKEN_STORE_EMBEDDED_PATH")); // this JVM's own flags; the store goes to a temp dir
        String run = DocumentedRunTest.shellBlock(readme, "docker run --rm");
        int port = freePort();
        DocumentedRunTest.dockerRunEnv(run)
                .forEach((name, value) -> env.put(
                        name,
                        value != null
                                ? value.replace(
                                        "localhost:8080", "localhost:" + port) // -p 8080:8080 inside the container
                                : HexFormat.of()
                                        .formatHex(new SecureRandom()
                                                .generateSeed(32)))); // the README's `openssl rand -hex 32`
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        Process p = service(env, "documented").start();
        try {
            String base = "http://localhost:" + port;
            waitReady(base, p);

            String admin = platformAdminJwtFromReadme(readme);
            HttpResponse<String> put = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/admin/v1/tenants/acme/policy"))
                            .header("Authorization", "Bearer " + admin)
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(
                                    "{\"allowedTargetLanguages\":[\"es\",\"fr\"],\"defaultTargetLanguage\":\"es\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isEqualTo(201);

            HttpResponse<String> mint = HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/tokens"))
                            .header("Authorization", TestJwts.bearer("alice", "acme"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(mint.statusCode()).as(mint.body()).isEqualTo(201);
            assertThat(mint.body()).contains("\"targetLanguageCode\":\"es\"");
        } finally {
            p.destroy();
            p.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** Runs deploy/README.md's openssl recipe for a platform-admin JWT, from the repository root. */
    static String platformAdminJwtFromReadme(String readme) throws Exception {
        String recipe = DocumentedRunTest.shellBlock(readme, "ADMIN=");
        Process sh = new ProcessBuilder("/bin/sh", "-c", "set -e\n" + recipe + "\nprintf %s \"$ADMIN\"")
                .directory(RepoFiles.root().toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String jwt = new String(sh.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(sh.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(sh.exitValue()).as("the README's JWT recipe (needs openssl)").isZero();
        assertThat(jwt.split("\\.")).hasSize(3);
        return jwt;
    }

    static void waitReady(String base, Process p) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive())
                    .as("the documented docker run settings must start the service")
                    .isTrue();
            try {
                if (HTTP.send(
                                        HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready within 90 s");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
