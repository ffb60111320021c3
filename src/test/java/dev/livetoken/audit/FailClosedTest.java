package dev.livetoken.audit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.Store;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.MintedName;
import dev.livetoken.upstream.UpstreamFacade;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/**
 * No token leaves without its audit record (503, fail closed), and neither a failed audit write nor
 * a failed upstream call spends the caller's quota.
 */
@QuarkusTest
@Tag("store")
class FailClosedTest {

    @Inject
    Store store;

    @Inject
    UpstreamFacade realUpstream;

    static String usedToday(String tenant, String subject) {
        return given().header("Authorization", Admin.PLATFORM)
                .queryParam("subject", subject)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/usage")
                .then()
                .statusCode(200)
                .extract()
                .path("limits.find { it.scope == 'user-quota' }.used")
                .toString();
    }

    @Test
    void auditFailureWithholdsTheTokenAndGivesTheQuotaBack() {
        String tenant = Admin.newTenant("closed");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":1}");
        QuarkusMock.installMockForType(
                new AuditLog(store) {
                    @Override
                    public java.util.concurrent.CompletableFuture<Void> writeGrouped(AuditRecord r) {
                        // The record's own unit fails inside the group commit, as a full disk would make it.
                        return store.groupCommit(
                                new dev.livetoken.store.GroupCommit.Lane(r.tenantId(), r.subject()), c -> {
                                    throw new java.sql.SQLException("disk full", "53100");
                                });
                    }
                },
                AuditLog.class);
        Mints.post(TestJwts.bearer("alice", tenant))
                .statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("https://livetoken.dev/problems/audit-unavailable"))
                .body(not(containsString("auth_tokens/")));
        org.assertj.core.api.Assertions.assertThat(usedToday(tenant, "alice")).isEqualTo("0");
    }

    @Test
    void upstreamFailureGivesTheReservationBack() {
        String tenant = Admin.newTenant("upfail");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":1}");
        QuarkusMock.installMockForType(
                new UpstreamFacade(null, null, null) {
                    @Override
                    public Uni<MintedName> create(AuthTokenSpec spec) {
                        return Uni.createFrom().failure(ProblemException.of(ProblemType.UPSTREAM_UNAVAILABLE, "down"));
                    }

                    @Override
                    public String websocketUrl() {
                        return realUpstream.websocketUrl();
                    }
                },
                UpstreamFacade.class);
        Mints.post(TestJwts.bearer("alice", tenant))
                .statusCode(503)
                .body("type", equalTo("https://livetoken.dev/problems/upstream-unavailable"));
        org.assertj.core.api.Assertions.assertThat(usedToday(tenant, "alice")).isEqualTo("0");
    }
}
