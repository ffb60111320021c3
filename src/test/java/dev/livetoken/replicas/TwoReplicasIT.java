package dev.livetoken.replicas;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.livetoken.support.Admin;
import dev.livetoken.support.TestJwts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the packaged service on one PostgreSQL, as in production: limits hold across
 * them (200+ concurrent mints at a quota of 50 give exactly 50 tokens), and a policy change or a
 * kill-switch block made on one replica takes effect on the other within the refresh interval.
 * Needs a PostgreSQL (default jdbc:postgresql://127.0.0.1:5432/test, user postgres; override with
 * LIVETOKEN_IT_PG_URL / LIVETOKEN_IT_PG_USER / LIVETOKEN_IT_PG_PASSWORD). Skipped without one on a
 * laptop; a failure in CI.
 */
class TwoReplicasIT {

    static final String PG_URL = env("LIVETOKEN_IT_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    static final String PG_USER = env("LIVETOKEN_IT_PG_USER", "postgres");
    static final String PG_PASSWORD = env("LIVETOKEN_IT_PG_PASSWORD", "");
    /** The bound the README states: refresh interval (1 s) plus one store query; we allow 1 s slack. */
    static final Duration PROPAGATION_BOUND = Duration.ofMillis(2000);

    static final ObjectMapper JSON = new ObjectMapper();

    static final List<Process> replicas = new ArrayList<>();
    static final List<String> bases = new ArrayList<>();
    static final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        try (var c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD)) {
            c.isValid(2);
        } catch (Exception e) {
            boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
            if (ci) {
                throw new IllegalStateException("CI must provide PostgreSQL at " + PG_URL, e);
            }
            Assumptions.abort("No PostgreSQL at " + PG_URL + " (" + e.getMessage() + "): two-replica test skipped");
        }
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("run after package (./mvnw verify)").exists();
        String pem = Path.of("src/main/resources/dev/jwt-public.pem")
                .toAbsolutePath()
                .toUri()
                .toString();
        for (int i = 0; i < 2; i++) {
            int port = freePort();
            ProcessBuilder pb = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-jar",
                            jar.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(new File("target/it-replica-" + i + ".log"));
            Map<String, String> env = pb.environment();
            env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("QUARKUS_DATASOURCE_JDBC_URL", PG_URL);
            env.put("QUARKUS_DATASOURCE_USERNAME", PG_USER);
            env.put("QUARKUS_DATASOURCE_PASSWORD", PG_PASSWORD);
            env.put("LIVETOKEN_EMULATOR_ENABLED", "true");
            env.put("LIVETOKEN_UPSTREAM_BASE_URL", "http://127.0.0.1:" + port);
            env.put("GEMINI_API_KEY", "emulator-dev-key");
            env.put("MP_JWT_VERIFY_ISSUER", TestJwts.ISSUER);
            env.put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", pem);
            env.put("LIVETOKEN_AUDIT_HMAC_KEY", "integration-test-audit-key-0123456789abcdef");
            replicas.add(pb.start());
            bases.add("http://127.0.0.1:" + port);
        }
        for (int i = 0; i < 2; i++) {
            waitReady(bases.get(i), replicas.get(i), i);
        }
    }

    @AfterAll
    static void stop() {
        replicas.forEach(Process::destroy);
    }

    static void waitReady(String base, Process p, int i) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("replica " + i + " died; see target/it-replica-" + i + ".log");
            }
            try {
                if (http.send(
                                        HttpRequest.newBuilder(URI.create(base + "/q/health/ready"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("replica " + i + " not ready; see target/it-replica-" + i + ".log");
    }

    static HttpResponse<String> call(
            String base, String method, String path, String bearer, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", bearer)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String createPolicy(String base, String tenant, String json) throws Exception {
        var r = call(base, "PUT", "/admin/v1/tenants/" + tenant + "/policy", Admin.PLATFORM, json);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return r.headers().firstValue("ETag").orElseThrow();
    }

    @Test
    void twoHundredConcurrentMintsAcrossReplicasAtQuotaFiftyGiveExactlyFifty() throws Exception {
        String tenant = Admin.newTenant("replicas");
        createPolicy(bases.get(0), tenant, "{\"tenantQuotaPerDay\":50,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(bases.get(i % 2) + "/v1/tokens"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", TestJwts.bearer("user-" + (i % 24), tenant))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build();
            calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        int minted = 0;
        int refused = 0;
        int[] perReplica = new int[2];
        for (int i = 0; i < calls.size(); i++) {
            int s = calls.get(i).get().statusCode();
            if (s == 201) {
                minted++;
                perReplica[i % 2]++;
            } else if (s == 429) {
                refused++;
            } else {
                throw new AssertionError(
                        "unexpected " + s + ": " + calls.get(i).get().body());
            }
        }
        System.out.printf(
                "two replicas: %d minted (%d on A, %d on B), %d refused%n",
                minted, perReplica[0], perReplica[1], refused);
        assertThat(minted).isEqualTo(50);
        assertThat(refused).isEqualTo(190);
        assertThat(perReplica[0]).isPositive();
        assertThat(perReplica[1]).isPositive();
        JsonNode page = JSON.readTree(
                call(bases.get(1), "GET", "/admin/v1/tenants/" + tenant + "/tokens?limit=500", Admin.PLATFORM, null)
                        .body());
        assertThat(page.get("items")).hasSize(50);
    }

    @Test
    void policyChangeOnOneReplicaReachesTheOtherWithinTheBound() throws Exception {
        String tenant = Admin.newTenant("propagate");
        String etag =
                createPolicy(bases.get(0), tenant, "{\"allowedTargetLanguages\":[\"es\"],\"userRatePerMinute\":0}");
        String user = TestJwts.bearer("alice", tenant);
        // replica B reads (and caches) the policy
        assertThat(call(bases.get(1), "POST", "/v1/tokens", user, "{\"targetLanguageCode\":\"es\"}")
                        .statusCode())
                .isEqualTo(201);
        var patched = call(
                bases.get(0),
                "PATCH",
                "/admin/v1/tenants/" + tenant + "/policy",
                Admin.PLATFORM,
                "{\"allowedTargetLanguages\":[\"fr\"],\"defaultTargetLanguage\":\"fr\"}",
                "If-Match",
                etag);
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        long start = System.nanoTime();
        Duration took = waitFor(
                () -> call(bases.get(1), "POST", "/v1/tokens", user, "{\"targetLanguageCode\":\"es\"}")
                                .statusCode()
                        == 403,
                start);
        System.out.printf("policy change reached the other replica after %d ms%n", took.toMillis());
        assertThat(took).isLessThanOrEqualTo(PROPAGATION_BOUND);
        assertThat(call(bases.get(1), "POST", "/v1/tokens", user, "{\"targetLanguageCode\":\"fr\"}")
                        .statusCode())
                .isEqualTo(201);
    }

    @Test
    void killSwitchOnOneReplicaStopsMintingOnTheOtherWithinTheBound() throws Exception {
        String tenant = Admin.newTenant("killrep");
        createPolicy(bases.get(0), tenant, "{\"userRatePerMinute\":0}");
        String mallory = TestJwts.bearer("mallory", tenant);
        assertThat(call(bases.get(1), "POST", "/v1/tokens", mallory, null).statusCode())
                .isEqualTo(201);
        assertThat(call(
                                bases.get(0),
                                "PUT",
                                "/admin/v1/tenants/" + tenant + "/blocks/users/mallory",
                                Admin.PLATFORM,
                                "{\"reason\":\"stolen login\"}")
                        .statusCode())
                .isEqualTo(201);
        long start = System.nanoTime();
        Duration took = waitFor(
                () -> call(bases.get(1), "POST", "/v1/tokens", mallory, null).statusCode() == 403, start);
        System.out.printf("user block reached the other replica after %d ms%n", took.toMillis());
        assertThat(took).isLessThanOrEqualTo(PROPAGATION_BOUND);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static Duration waitFor(Check check, long startNanos) throws Exception {
        long deadline = startNanos + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return Duration.ofNanos(System.nanoTime() - startNanos);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not seen on the other replica within 10 s");
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
