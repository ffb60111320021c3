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
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Burst;
import dev.livetoken.support.TestJwts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas of the packaged service on one PostgreSQL, as in production: limits hold across
 * them (200+ concurrent mints at a quota of 50 give exactly 50 tokens; on a loaded machine some
 * mints may end without a token for their caller, which {@link #exactUnderLoad} accounts for
 * without loosening the limit), and a policy change or a
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

    /**
     * How long a test's client waits for a mint: well past the service's own bound (upstream connect
     * + read timeout + the store's mint budget), so that only a machine too loaded to answer at all
     * makes it give up; one that does counts as a caller that hung up (support/Burst).
     */
    static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

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
                .timeout(CLIENT_TIMEOUT)
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

    /**
     * 240 mints at once, half on each replica, at a tenant quota of 50: exactly 50 tokens in all.
     * Each replica alone gets 120 requests, more than the quota, so replicas that counted on their
     * own would hand out up to 100; exactly 50 is the proof that they share one count. Which replica
     * wins the race is not part of the contract: on a loaded machine one of them may answer all its
     * share with refusals (CI once saw replica A mint none), which is correct, so the test asks only
     * that each replica answered its whole share. Mints that end without a token under load are
     * accounted for as in {@link #exactUnderLoad}.
     */
    @Test
    void twoHundredConcurrentMintsAcrossReplicasAtQuotaFiftyGiveExactlyFifty() throws Exception {
        String tenant = Admin.newTenant("replicas");
        createPolicy(bases.get(0), tenant, "{\"tenantQuotaPerDay\":50,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        warmUp();
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            requests.add(mintRequest(bases.get(i % 2), TestJwts.bearer("user-" + (i % 24), tenant), null));
        }
        Burst.Outcome[] perReplica = fireOnBoth(requests, "tenant-quota");
        System.out.printf("two replicas, quota 50: A %s; B %s%n", perReplica[0], perReplica[1]);
        for (int i = 0; i < 2; i++) {
            assertThat(perReplica[i].answers())
                    .as("replica " + "AB".charAt(i) + " answered its share")
                    .isEqualTo(120);
            assertThat(perReplica[i].minted() + perReplica[i].refused())
                    .as("replica " + "AB".charAt(i) + " took part: a 201 or a refusal naming the quota")
                    .isPositive();
        }
        Burst.Outcome all = sum(perReplica);
        exactUnderLoad(
                all,
                240,
                50,
                () -> usedOf(tenant, null, "tenant-quota"),
                () -> tokensOf(tenant),
                1,
                mintRequest(bases.get(1), TestJwts.bearer("late", tenant), null),
                "tenant-quota");
    }

    static HttpRequest mintRequest(String base, String bearer, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/tokens"))
                .timeout(CLIENT_TIMEOUT)
                .header("Authorization", bearer);
        if (body == null) {
            return b.POST(HttpRequest.BodyPublishers.noBody()).build();
        }
        return b.header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /**
     * Warms both replicas (a cold JVM on a busy machine can let the emulator's first answers run past
     * the upstream timeout), on a tenant of its own so the counts of the test are untouched. A warm-up
     * mint may itself end without a token under load; anything else fails.
     */
    static void warmUp() throws Exception {
        String warmUp = Admin.newTenant("warmup");
        createPolicy(bases.get(0), warmUp, "{\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        for (int i = 0; i < 10; i++) {
            var r = http.send(
                    mintRequest(bases.get(i % 2), TestJwts.bearer("w", warmUp), null),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(Burst.classify(r, "none"))
                    .as(r.statusCode() + " " + r.body())
                    .isIn(Burst.Kind.MINTED, Burst.Kind.NO_TOKEN);
        }
    }

    /** Sends the requests at once and sorts the answers per replica: [A, B]. */
    static Burst.Outcome[] fireOnBoth(List<HttpRequest> requests, String scope) throws Exception {
        var calls = Burst.send(http, requests);
        List<CompletableFuture<HttpResponse<String>>> onA = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> onB = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            (requests.get(i).uri().toString().startsWith(bases.get(0) + "/") ? onA : onB).add(calls.get(i));
        }
        return new Burst.Outcome[] {Burst.outcome(onA, scope), Burst.outcome(onB, scope)};
    }

    static Burst.Outcome sum(Burst.Outcome[] parts) {
        int minted = 0;
        int refused = 0;
        List<String> withoutToken = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (Burst.Outcome o : parts) {
            minted += o.minted();
            refused += o.refused();
            withoutToken.addAll(o.withoutToken());
            other.addAll(o.other());
        }
        return new Burst.Outcome(minted, refused, withoutToken, other);
    }

    /**
     * What a burst against a limit of {@code limit} tokens must give, whatever the load: only 201s,
     * refusals naming {@code scope} and mints without a token under load (support/Burst); with none
     * of the latter, exactly {@code limit} minted and the rest refused. In any case, once every mint
     * has ended: never more than {@code limit} tokens; a token for every 201, and beyond those only
     * for callers that got none; the limit's usage what those tokens cost; and exactly {@code limit}
     * tokens once the rest is minted one at a time with {@code late}.
     *
     * @param held     the limit's usage as the store counts it
     * @param recorded the tokens recorded (the audit trail)
     * @param cost     what one token costs of the limit (1, or its session-minutes)
     */
    static void exactUnderLoad(
            Burst.Outcome o,
            int sent,
            int limit,
            LongSupplier held,
            LongSupplier recorded,
            long cost,
            HttpRequest late,
            String scope)
            throws Exception {
        assertThat(o.other())
                .as("answers other than 201, a refusal naming " + scope + " or a mint without a token under load")
                .isEmpty();
        assertThat(o.answers()).isEqualTo(sent);
        if (o.withoutToken().isEmpty()) {
            assertThat(o.minted()).isEqualTo(limit);
            assertThat(o.refused()).isEqualTo(sent - limit);
        }
        LongSupplier costOfRecorded = () -> cost * recorded.getAsLong();
        // At once when every caller got a 201 or a refusal: no mint runs on after its answer then.
        Duration quiet = o.withoutToken().isEmpty() ? Duration.ZERO : Burst.QUIET;
        assertThat(Burst.settle(held, costOfRecorded, quiet, Burst.MAX_SETTLE))
                .as("every mint ended (usage = what the recorded tokens cost)")
                .isTrue();
        long tokens = recorded.getAsLong();
        o.assertTokens(tokens, limit);
        int more = Burst.topUp(
                () -> http.send(late, HttpResponse.BodyHandlers.ofString()),
                scope,
                (int) (limit - tokens),
                5,
                () -> Burst.settle(held, costOfRecorded, Burst.QUIET, Burst.MAX_SETTLE));
        assertThat(Burst.settle(held, costOfRecorded, Duration.ZERO, Duration.ofSeconds(30)))
                .as("usage = what the recorded tokens cost, after minting the rest")
                .isTrue();
        assertThat(recorded.getAsLong())
                .as("tokens after minting the rest one at a time (" + more + ")")
                .isEqualTo(limit);
        assertThat(held.getAsLong()).isEqualTo(cost * limit);
    }

    /** The tenant's tokens, as the audit trail lists them (on replica B). */
    static long tokensOf(String tenant) {
        try {
            var r = call(
                    bases.get(1), "GET", "/admin/v1/tenants/" + tenant + "/tokens?limit=500", Admin.PLATFORM, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body()).get("items").size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A limit's usage (on replica A): the tenant's scope, or a user's with {@code subject}. */
    static long usedOf(String tenant, String subject, String scope) {
        try {
            String q = subject == null ? "" : "?subject=" + subject;
            var r = call(bases.get(0), "GET", "/admin/v1/tenants/" + tenant + "/usage" + q, Admin.PLATFORM, null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode usage = JSON.readTree(r.body());
            if (scope == null) {
                return usage.path("sessionMinutesCharged").asLong();
            }
            for (JsonNode l : usage.path("limits")) {
                if (scope.equals(l.path("scope").asText())) {
                    return l.path("used").asLong();
                }
            }
            throw new AssertionError("no " + scope + " in " + r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** 200 mints at once by one user, half on each replica, at a live cap of 3: exactly 3 tokens. */
    @Test
    void twoHundredConcurrentMintsAcrossReplicasAtALiveCapOfThreeGiveExactlyThree() throws Exception {
        String tenant = Admin.newTenant("livecap");
        createPolicy(
                bases.get(0), tenant, "{\"maxLiveTokensPerUser\":3,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        warmUp();
        String body = "{\"lifetimeSeconds\":1800}";
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(mintRequest(bases.get(i % 2), TestJwts.bearer("user-0", tenant), body));
        }
        Burst.Outcome o = sum(fireOnBoth(requests, "user-live-tokens"));
        System.out.printf("two replicas, live cap 3: %s%n", o);
        exactUnderLoad(
                o,
                200,
                3,
                () -> usedOf(tenant, "user-0", "user-live-tokens"),
                () -> tokensOf(tenant),
                1,
                mintRequest(bases.get(1), TestJwts.bearer("user-0", tenant), body),
                "user-live-tokens");
    }

    /** 200 mints at once by 20 users, half on each replica, at 400 session-minutes a day: exactly 10 tokens. */
    @Test
    void twoHundredConcurrentMintsAcrossReplicasNeverOverspendTheTenantsSessionMinutes() throws Exception {
        String tenant = Admin.newTenant("minutes");
        // 30-minute tokens cost 40 minutes each: 400 minutes buy exactly 10
        createPolicy(
                bases.get(0),
                tenant,
                "{\"tenantSessionMinutesPerDay\":400,\"userRatePerMinute\":0,\"userQuotaPerDay\":0}");
        warmUp();
        String body = "{\"lifetimeSeconds\":1800}";
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(mintRequest(bases.get(i % 2), TestJwts.bearer("user-" + (i % 20), tenant), body));
        }
        Burst.Outcome o = sum(fireOnBoth(requests, "tenant-session-minutes"));
        System.out.printf("two replicas, 400 session-minutes: %s%n", o);
        exactUnderLoad(
                o,
                200,
                10,
                () -> usedOf(tenant, null, null),
                () -> tokensOf(tenant),
                40,
                mintRequest(bases.get(1), TestJwts.bearer("late", tenant), body),
                "tenant-session-minutes");
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
