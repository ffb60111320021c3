package dev.livetoken.limits;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreWork;
import dev.livetoken.support.Admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where the {@code live_token_lock} rows of live-token caps come from: a claim runs only on its
 * reservation's connection (on the mint path a group-commit writer's, which must not wait for a
 * second one), so a row it does not find is created inside the reservation's transaction, and the
 * tenant's row comes with the policy that caps the tenant. Runs on whichever store the test run
 * uses (H2, or PostgreSQL with {@code QUARKUS_DATASOURCE_JDBC_URL}).
 */
@QuarkusTest
@Tag("store")
class LiveTokenLocksTest {

    /** Users capped at 3 live tokens, tenants at 100. */
    static final SessionLimits CAPS = new SessionLimits(0, 0, 3, 100);

    @Inject
    Store store;

    /** No store: a claim that opened a connection of its own would fail on it. */
    final LiveTokens live = new LiveTokens(null);

    static StoreWork<List<String>> locks(String tenant) {
        return c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT lock_key FROM live_token_lock WHERE tenant_id = ? ORDER BY lock_key")) {
                ps.setString(1, tenant);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        };
    }

    String claim(String tenant, String subject) {
        Instant now = Instant.now();
        return store.inTransaction(c -> live.claim(c, tenant, subject, CAPS, now.plus(Duration.ofMinutes(10)), now));
    }

    @Test
    void aFirstClaimCreatesItsLockRowsInTheReservationsOwnTransaction() {
        String tenant = Admin.newTenant("locks");
        Instant now = Instant.now();
        assertThatThrownBy(() -> store.inTransaction(c -> {
                    live.claim(c, tenant, "alice", CAPS, now.plus(Duration.ofMinutes(10)), now);
                    assertThat(locks(tenant).run(c)).containsExactly("t:" + tenant, "u:" + tenant + ":alice");
                    throw new IllegalStateException("the mint is refused later on");
                }))
                .hasMessage("the mint is refused later on");
        assertThat(store.read(locks(tenant)))
                .as("rolled back with the reservation: nothing was committed on the side")
                .isEmpty();

        assertThat(claim(tenant, "alice")).isNotNull();
        assertThat(store.read(locks(tenant))).containsExactly("t:" + tenant, "u:" + tenant + ":alice");
        assertThat(claim(tenant, "alice")).as("the rows are found from now on").isNotNull();
        assertThat(claim(tenant, "bob")).isNotNull();
        assertThat(store.read(locks(tenant)))
                .containsExactly("t:" + tenant, "u:" + tenant + ":alice", "u:" + tenant + ":bob");
    }

    @Test
    void concurrentFirstClaimsOfOneUserShareTheNewLockRowsAndKeepTheCap() throws Exception {
        String tenant = Admin.newTenant("lockrace");
        int n = 12;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> calls = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    try {
                        claim(tenant, "alice");
                        return "claimed";
                    } catch (ProblemException e) {
                        return e.scope();
                    }
                }));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : calls) {
                outcomes.add(f.get()); // a store failure (a lost insert race) would throw here
            }
            assertThat(outcomes).filteredOn("claimed"::equals).hasSize(3);
            assertThat(outcomes).filteredOn("user-live-tokens"::equals).hasSize(n - 3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.read(locks(tenant))).containsExactly("t:" + tenant, "u:" + tenant + ":alice");
    }

    @Test
    void savingAPolicyThatCapsTheTenantCreatesTheTenantsLockRow() {
        String tenant = Admin.newTenant("capsave");
        String etag = Admin.createPolicy(tenant, "{\"maxLiveTokensPerUser\":2}");
        assertThat(store.read(locks(tenant)))
                .as("a user cap alone: each user's row comes with its first capped mint")
                .isEmpty();
        Admin.patchPolicy(Admin.PLATFORM, tenant, etag, "{\"maxLiveTokensPerTenant\":5}")
                .statusCode(200);
        assertThat(store.read(locks(tenant))).containsExactly("t:" + tenant);

        String created = Admin.newTenant("capsave");
        Admin.createPolicy(created, "{\"maxLiveTokensPerTenant\":5}");
        assertThat(store.read(locks(created))).containsExactly("t:" + created);
    }
}
