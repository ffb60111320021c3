package dev.livetoken.admin;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.TestJwts;

import static dev.livetoken.support.Mints.mint;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 8 item 7: the kill switch works the way an operator uses it in an incident: without a body,
 * repeatedly, concurrently, and its authorization is decided before the body is looked at.
 */
@QuarkusTest
@Tag("store")
class KillSwitchIncidentTest {

    @TestHTTPResource("/")
    URI base;

    @Test
    void aBodylessBlockWorksAndRepeatsAreIdempotent() {
        String tenant = Admin.newTenant("nobody");
        Admin.createPolicy(tenant, "{}");
        String alice = TestJwts.bearer("alice", tenant);
        mint(alice, 201);
        // no body, no Content-Type: what `curl -X PUT` sends
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(201)
                .body("subject", equalTo("*"));
        mint(alice, 403);
        String first = given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(200)
                .extract()
                .path("createdAt");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(200)
                .body("createdAt", equalTo(first));
        // an empty JSON body and a user block without a body work as well
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/bob")
                .then()
                .statusCode(201);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/users/bob")
                .then()
                .statusCode(200);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(204);
        mint(alice, 201);
    }

    @Test
    void twentyConcurrentIdenticalBlocksAllSucceedAndBlockOnce() throws Exception {
        String tenant = Admin.newTenant("stampede");
        Admin.createPolicy(tenant, "{}");
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HttpRequest req = HttpRequest.newBuilder(base.resolve("/admin/v1/tenants/" + tenant + "/blocks/tenant"))
                    .header("Authorization", Admin.PLATFORM)
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"reason\":\"incident 42\"}"))
                    .build();
            calls.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (var call : calls) {
            HttpResponse<String> r = call.get();
            statuses.merge(r.statusCode(), 1, Integer::sum);
        }
        assertThat(statuses).as("status -> count").isEqualTo(Map.of(201, 1, 200, 19));
        mint(TestJwts.bearer("alice", tenant), 403);
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/blocks")
                .then()
                .statusCode(200)
                .body("blocks.size()", equalTo(1));
    }

    @Test
    void authorizationIsDecidedBeforeTheBodyIsLookedAt() {
        String tenant = Admin.newTenant("authfirst");
        Admin.createPolicy(tenant, "{}");
        // a tenant-admin of another tenant, an app user, nobody: 403, 403, 401, whatever the body
        for (String who : new String[] {Admin.tenantAdmin("elsewhere"), TestJwts.bearer("alice", tenant)}) {
            given().filter(Contract.RESPONSE_ONLY)
                    .header("Authorization", who)
                    .contentType("text/plain")
                    .body("block it")
                    .when()
                    .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json");
            given().filter(Contract.RESPONSE_ONLY)
                    .header("Authorization", who)
                    .contentType("text/plain")
                    .body("block it")
                    .when()
                    .put("/admin/v1/tenants/" + tenant + "/blocks/users/bob")
                    .then()
                    .statusCode(403);
        }
        given().filter(Contract.RESPONSE_ONLY)
                .contentType("text/plain")
                .body("block it")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(401);
        // nor does what the caller accepts: authority first
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", TestJwts.bearer("alice", tenant))
                .accept("text/html")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(403);
        given().filter(Contract.RESPONSE_ONLY)
                .accept("text/html")
                .when()
                .delete("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(401);
        mint(TestJwts.bearer("alice", tenant), 201);
        // an admin who sends a body that is not JSON learns so, and nothing is blocked
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("text/plain")
                .body("block it")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(415)
                .body("type", equalTo("https://livetoken.dev/problems/unsupported-media-type"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"reason\":\"x\",\"until\":\"never\"}")
                .when()
                .put("/admin/v1/tenants/" + tenant + "/blocks/tenant")
                .then()
                .statusCode(400)
                .body("field", equalTo("until"));
        mint(TestJwts.bearer("alice", tenant), 201);
    }
}
