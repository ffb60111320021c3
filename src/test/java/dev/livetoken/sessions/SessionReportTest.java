package dev.livetoken.sessions;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.LogCapture;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /v1/sessions} and what an operator sees of it: each untrusted value is checked against
 * the token's audit record and refused naming its field; a repeated sessionId (also concurrently)
 * is stored and counted once; another user's token is answered 404; the admin list filters, pages
 * and authorizes like the audit trail; the usage view and the metrics show the reported minutes.
 */
@QuarkusTest
@Tag("store")
class SessionReportTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    MeterRegistry registry;

    String tenant;
    String alice;
    String token;
    Instant minted;
    Instant expires;

    @BeforeEach
    void mintForAlice() {
        tenant = Admin.newTenant("sessions");
        Admin.createPolicy(tenant, "{}");
        alice = TestJwts.bearer("alice", tenant);
        JsonPath t = Mints.post(alice, "{}").statusCode(201).extract().jsonPath();
        token = t.getString("token");
        minted = Instant.parse(t.getString("serverTime"));
        expires = Instant.parse(t.getString("expireTime"));
    }

    /** A valid report: 20 s from the mint, 15 s of audio each way. */
    ObjectNode report(String sessionId) {
        ObjectNode r = JSON.createObjectNode()
                .put("sessionId", sessionId)
                .put("token", token)
                .put("startedAt", minted.plusMillis(250).toString())
                .put("endedAt", minted.plusMillis(20_250).toString())
                .put("audioSecondsSent", 15.0)
                .put("audioSecondsReceived", 14.5)
                .put("resumptions", 1)
                .put("closeCode", 1000)
                .put("closeReason", "done");
        r.putObject("usage")
                .put("promptTokenCount", 120)
                .put("responseTokenCount", 80)
                .put("totalTokenCount", 200);
        return r;
    }

    io.restassured.response.ValidatableResponse post(String bearer, ObjectNode body, boolean validateRequest) {
        return given().filter(validateRequest ? Contract.VALIDATED : Contract.RESPONSE_ONLY)
                .header("Authorization", bearer)
                .contentType("application/json")
                .body(body.toString())
                .when()
                .post("/v1/sessions")
                .then();
    }

    double counter(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    JsonPath list(String bearer, String query, int status) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/sessions" + query)
                .then()
                .statusCode(status)
                .extract()
                .jsonPath();
    }

    @Test
    void aReportIsStoredOnceAndShowsInTheListTheUsageViewAndTheMetrics() {
        String id = UUID.randomUUID().toString();
        post(alice, report(id), true).statusCode(202);
        post(alice, report(id).put("audioSecondsSent", 3.0), true).statusCode(202);

        JsonPath page = list(Admin.PLATFORM, "", 200);
        assertEquals(List.of(id), page.getList("items.sessionId"));
        assertEquals(15.0f, page.getFloat("items[0].audioSecondsSent"), "the repeat changed nothing");
        assertEquals(20.0f, page.getFloat("items[0].durationSeconds"));
        assertEquals("alice", page.getString("items[0].subject"));
        assertEquals(200, page.getInt("items[0].usage.totalTokenCount"));
        String all = page.prettify();
        assertFalse(all.contains(token), "the token is never stored or shown");

        JsonPath usage = given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(0.333f, usage.getFloat("sessionMinutesReported"));
        assertEquals(0.333f, usage.getFloat("users.find { it.subject == 'alice' }.sessionMinutesReported"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage?subject=bob")
                .then()
                .statusCode(200)
                .body("sessionMinutesReported", equalTo(0.0f));

        assertEquals(1.0, counter("livetoken.sessions.reported", "tenant", tenant, "close_code", "1000"));
        assertEquals(20.0 / 60, counter("livetoken.session.minutes.reported", "tenant", tenant), 1e-9);
        String metrics = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(
                metrics.contains(
                        "livetoken_sessions_reported_total{close_code=\"1000\",tenant=\"" + tenant + "\"} 1.0"),
                "exported for Prometheus");
        assertTrue(metrics.contains("livetoken_session_minutes_reported_total{tenant=\"" + tenant + "\"}"));
    }

    @Test
    void anUnknownCloseCodeIsCountedAsOther() {
        post(alice, report(UUID.randomUUID().toString()).put("closeCode", 4321), true)
                .statusCode(202);
        assertEquals(1.0, counter("livetoken.sessions.reported", "tenant", tenant, "close_code", "other"));
        assertEquals(0, counter("livetoken.sessions.reported", "tenant", tenant, "close_code", "4321"));
    }

    @Test
    void concurrentRepeatsOfOneSessionIdAreStoredAndCountedOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                calls.add(() -> post(alice, report(id), false).extract().statusCode());
            }
            for (Future<Integer> f : pool.invokeAll(calls)) {
                assertEquals(202, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(id), list(Admin.PLATFORM, "", 200).getList("items.sessionId"));
        assertEquals(1.0, counter("livetoken.sessions.reported", "tenant", tenant, "close_code", "1000"));
    }

    @Test
    void eachBadValueIsRefusedNamingItsField() {
        String long124 = "x".repeat(124);
        Map<String, Consumer<ObjectNode>> bad = new java.util.LinkedHashMap<>();
        bad.put("sessionId", r -> r.put("sessionId", "not-a-uuid"));
        bad.put("token", r -> r.put("token", "sk-something"));
        bad.put("startedAt", r -> r.put("startedAt", "yesterday"));
        bad.put("startedAt ", r -> r.put("startedAt", minted.minusSeconds(3600).toString()));
        bad.put("endedAt", r -> r.put("endedAt", minted.toString()));
        bad.put(
                "endedAt ",
                r -> r.put("endedAt", expires.plusSeconds(12 * 60 + 90).toString()));
        bad.put("audioSecondsSent", r -> r.put("audioSecondsSent", 25.0));
        bad.put("audioSecondsSent ", r -> r.put("audioSecondsSent", -1.0));
        bad.put(
                "audioSecondsReceived",
                r -> r.put(
                        "audioSecondsReceived",
                        java.time.Duration.between(minted, expires).toSeconds() + 12 * 60.0));
        bad.put("resumptions", r -> r.put("resumptions", -1));
        bad.put("closeCode", r -> r.put("closeCode", 999));
        bad.put("closeCode ", r -> r.remove("closeCode"));
        bad.put("closeReason", r -> r.put("closeReason", long124));
        bad.put("usage.promptTokenCount", r -> ((ObjectNode) r.get("usage")).put("promptTokenCount", -5));
        for (var e : bad.entrySet()) {
            ObjectNode r = report(UUID.randomUUID().toString());
            e.getValue().accept(r);
            String answer = post(alice, r, false)
                    .statusCode(400)
                    .body("type", equalTo("https://livetoken.dev/problems/invalid-request"))
                    .body("field", equalTo(e.getKey().trim()))
                    .extract()
                    .asString();
            assertFalse(answer.contains(token), "never echoes the token: " + answer);
        }
        assertEquals(List.of(), list(Admin.PLATFORM, "", 200).getList("items"), "nothing was stored");
        // a field the contract does not know
        post(alice, report(UUID.randomUUID().toString()).put("costUsd", 0), false)
                .statusCode(400)
                .body("field", equalTo("costUsd"));
    }

    @Test
    void theCloseReasonIsNeverLoggedAndIsStoredOnOneLine() {
        String secretish = "bye\nERROR fake log line";
        try (LogCapture logs = LogCapture.start()) {
            post(alice, report(UUID.randomUUID().toString()).put("closeReason", secretish), true)
                    .statusCode(202);
            assertFalse(logs.all().contains("fake log line"), logs.all());
        }
        assertEquals(
                "bye\uFFFDERROR fake log line", list(Admin.PLATFORM, "", 200).getString("items[0].closeReason"));
    }

    @Test
    void anotherUsersTokenIsAnsweredLikeAnUnknownOne() {
        String unknown = post(alice, report(UUID.randomUUID().toString()).put("token", "auth_tokens/unknown"), true)
                .statusCode(404)
                .body("field", equalTo("token"))
                .extract()
                .path("detail");
        String otherTenant = Admin.newTenant("sessions-other");
        for (String stranger : List.of(
                TestJwts.bearer("bob", tenant),
                TestJwts.bearer("alice", otherTenant),
                TestJwts.bearer("admin", tenant, "tenant-admin"))) {
            post(stranger, report(UUID.randomUUID().toString()), true)
                    .statusCode(404)
                    .body("detail", equalTo(unknown));
        }
        assertEquals(List.of(), list(Admin.PLATFORM, "", 200).getList("items"));
    }

    @Test
    void theAdminListFiltersPagesInAStableOrderAndIsForTheTenantsAdminsOnly() {
        String bob = TestJwts.bearer("bob", tenant);
        String bobsToken = Mints.post(bob, "{}").statusCode(201).extract().path("token");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            // two share a start time: the order must still be total and stable
            Instant start = minted.plusSeconds(i == 4 ? 3 : i);
            post(
                            alice,
                            report(id)
                                    .put("startedAt", start.toString())
                                    .put("endedAt", start.plusSeconds(16).toString()),
                            true)
                    .statusCode(202);
        }
        post(bob, report(UUID.randomUUID().toString()).put("token", bobsToken), true)
                .statusCode(202);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath p = list(
                    TestJwts.bearer("boss", tenant, "tenant-admin"),
                    "?subject=alice&limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    200);
            seen.addAll(p.getList("items.sessionId"));
            cursor = p.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(5, new HashSet<>(seen).size(), "every session once: " + seen);
        assertEquals(Set.copyOf(ids), Set.copyOf(seen));
        assertEquals(Set.of(ids.get(3), ids.get(4)), Set.copyOf(seen.subList(0, 2)), "newest start first");
        assertEquals(ids.get(0), seen.get(4));
        assertEquals(
                seen,
                list(Admin.PLATFORM, "?subject=alice&limit=5", 200).getList("items.sessionId"),
                "the pages are the same order as one page");

        assertEquals(6, list(Admin.PLATFORM, "?limit=500", 200).getList("items").size());
        List<String> window = list(
                        Admin.PLATFORM,
                        "?subject=alice&from=" + minted.plusSeconds(1) + "&to=" + minted.plusSeconds(3),
                        200)
                .getList("items.sessionId");
        assertEquals(List.of(ids.get(2), ids.get(1)), window, "from inclusive, to exclusive, on the start time");

        list(TestJwts.bearer("boss", "someone-else", "tenant-admin"), "", 403);
        list(alice, "", 403);
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/sessions?cursor=forged")
                .then()
                .statusCode(400)
                .body("field", equalTo("cursor"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/sessions?from=soon")
                .then()
                .statusCode(400)
                .body("field", equalTo("from"));
        assertNull(list(Admin.PLATFORM, "?subject=nobody", 200).getString("nextCursor"));
    }
}
