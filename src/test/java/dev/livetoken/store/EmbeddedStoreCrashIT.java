package dev.livetoken.store;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.livetoken.support.Admin;
import dev.livetoken.support.PackagedService;
import dev.livetoken.support.TestJwts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing returned is lost through kill -9 on the embedded store: the packaged service mints
 * tokens, is SIGKILLed right after the last {@code 201}, restarts on the same H2 file, and must
 * still have the audit record of every token it returned and exact usage counters.
 */
class EmbeddedStoreCrashIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int CALLERS = 4;
    static final int MINTS_EACH = 30;

    PackagedService service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void everyReturnedTokenKeepsItsAuditRecordAndCountThroughKillNine() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "crash-it"));
        Path store = Files.createTempDirectory(dir, "store-").resolve("livetoken");
        File log = new File("target/crash-it.log");
        Map<String, String> env =
                Map.of("LIVETOKEN_STORE_EMBEDDED_PATH", store.toAbsolutePath().toString());
        String tenant = Admin.newTenant("crash");

        service = new PackagedService(log, env).start();
        var created = service.call(
                "PUT",
                "/admin/v1/tenants/" + tenant + "/policy",
                Admin.PLATFORM,
                "{\"tenantQuotaPerDay\":100000,\"userQuotaPerDay\":0,\"userRatePerMinute\":0}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        ConcurrentLinkedQueue<String> returned = new ConcurrentLinkedQueue<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < CALLERS; c++) {
            String bearer = TestJwts.bearer("user-" + c, tenant);
            done.add(callers.submit(() -> {
                for (int i = 0; i < MINTS_EACH; i++) {
                    var r = service.call("POST", "/v1/tokens", bearer, null);
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                    returned.add(JSON.readTree(r.body()).get("token").asText());
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        service.kill();
        callers.shutdown();
        int n = CALLERS * MINTS_EACH;
        assertThat(returned).hasSize(n);

        service = new PackagedService(log, env).start();
        int missing = 0;
        for (String token : returned) {
            var r = service.call(
                    "POST", "/admin/v1/token-lookup", Admin.PLATFORM, JSON.writeValueAsString(Map.of("token", token)));
            if (r.statusCode() == 404) {
                missing++;
            } else {
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()).get("records")).hasSize(1);
            }
        }
        JsonNode usage =
                JSON.readTree(service.call("GET", "/admin/v1/tenants/" + tenant + "/usage", Admin.PLATFORM, null)
                        .body());
        long tenantUsed = 0;
        for (JsonNode l : usage.get("limits")) {
            if (l.get("scope").asText().equals("tenant-quota")) {
                tenantUsed = l.get("used").asLong();
            }
        }
        long usersUsed = 0;
        for (JsonNode u : usage.get("users")) {
            usersUsed += u.get("usedToday").asLong();
        }
        System.out.printf(
                "kill -9 after %d returned tokens: %d audit records missing, tenant counter %d, "
                        + "user counters %d after restart%n",
                n, missing, tenantUsed, usersUsed);
        assertThat(missing)
                .as("returned tokens without an audit record after kill -9")
                .isZero();
        assertThat(tenantUsed).as("tenant counter after restart").isEqualTo(n);
        assertThat(usersUsed).as("sum of user counters after restart").isEqualTo(n);
    }
}
