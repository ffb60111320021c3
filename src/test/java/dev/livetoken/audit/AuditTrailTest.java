package dev.livetoken.audit;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.store.Store;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** One audit record per returned token, queryable, never holding the token itself. */
@QuarkusTest
@Tag("store")
class AuditTrailTest {

    @Inject
    Store store;

    static String mint(String bearer, String body, String requestId) {
        return given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .header("X-Request-Id", requestId)
                .contentType("application/json")
                .body(body)
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");
    }

    @Test
    void everyTokenHasARecordFilterableAndPaged() throws Exception {
        String tenant = Admin.newTenant("audit");
        Admin.createPolicy(tenant, "{\"allowedTargetLanguages\":[\"es\",\"fr\"],\"defaultTargetLanguage\":\"es\"}");
        Instant before = Instant.now().minusSeconds(1);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            tokens.add(mint(
                    TestJwts.bearer("alice", tenant), "{\"targetLanguageCode\":\"fr\",\"uses\":2}", "req-alice-" + i));
        }
        tokens.add(mint(TestJwts.bearer("bob", tenant), "{}", "req-bob-0000"));

        var page1 = given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("subject", "alice")
                .queryParam("limit", 2)
                .queryParam("from", before.toString())
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .body("items", hasSize(2))
                .body("items.subject", everyItem(equalTo("alice")))
                .body("items[0].targetLanguageCode", equalTo("fr"))
                .body("items[0].uses", equalTo(2))
                .body("items[0].locked", equalTo(true))
                .body("items[0].requestId", equalTo("req-alice-2"))
                .extract();
        String cursor = page1.path("nextCursor");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("subject", "alice")
                .queryParam("limit", 2)
                .queryParam("cursor", cursor)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].requestId", equalTo("req-alice-0"))
                .body("nextCursor", nullValue());
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("to", before.toString())
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .body("items", hasSize(0));

        // an operator holding a token finds its record; the record holds only a keyed hash
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .contentType("application/json")
                .body("{\"token\":\"" + tokens.get(3) + "\"}")
                .when()
                .post("/admin/v1/token-lookup")
                .then()
                .statusCode(200)
                .body("records", hasSize(1))
                .body("records[0].subject", equalTo("bob"))
                .body("records[0].requestId", equalTo("req-bob-0000"));
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.tenantAdmin("other-tenant"))
                .contentType("application/json")
                .body("{\"token\":\"" + tokens.get(3) + "\"}")
                .when()
                .post("/admin/v1/token-lookup")
                .then()
                .statusCode(404);

        Set<String> stored = new HashSet<>();
        try (var c = store.connection();
                var st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM audit_record WHERE tenant_id = '" + tenant + "'")) {
            int cols = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= cols; i++) {
                    stored.add(String.valueOf(rs.getObject(i)));
                }
            }
        }
        assertThat(stored).isNotEmpty();
        for (String token : tokens) {
            assertThat(stored).noneMatch(v -> v.contains(token.substring("auth_tokens/".length())));
        }
    }

    @Test
    void badQueryParametersAre400() {
        String tenant = Admin.newTenant("auditq");
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("cursor", "garbage!")
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(400)
                .body("field", equalTo("cursor"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("from", "yesterday")
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(400)
                .body("field", equalTo("from"));
        given().filter(Contract.RESPONSE_ONLY)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("limit", 0)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(400)
                .body("field", equalTo("limit"));
    }

    @Test
    void brokerMintsOnBehalfOfAUserWhoCarriesLimitsAndAudit() {
        String tenant = Admin.newTenant("broker");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":1}");
        String broker = TestJwts.bearer("backend", tenant, "token-broker");
        mint(broker, "{\"onBehalfOf\":\"bob\"}", "req-broker-1");
        Mints.post(broker, "{\"onBehalfOf\":\"bob\"}").statusCode(429);
        mint(broker, "{\"onBehalfOf\":\"carol\"}", "req-broker-2");
        given().filter(Contract.VALIDATED)
                .header("Authorization", Admin.PLATFORM)
                .queryParam("subject", "bob")
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].actor", equalTo("backend"));
    }
}
