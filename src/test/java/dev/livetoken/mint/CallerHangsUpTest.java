package dev.livetoken.mint;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livetoken.ops.MintMetrics;
import dev.livetoken.store.Store;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Stalls;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.GeminiAuthTokens;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamTokens;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A caller that hangs up mid-mint never leaves a reservation without a record: once Google has
 * been asked the mint completes (record kept as {@code discarded}, reservation kept, counted), and
 * before that the reservation is given back.
 */
@QuarkusTest
class CallerHangsUpTest {

    static final Duration CLIENT_GIVES_UP = Duration.ofMillis(300);

    @Inject
    Store store;

    @Inject
    Vertx vertx;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    MintMetrics metrics;

    /** The emulator behind a delay, counting its calls: a slow Google. */
    final class SlowUpstream extends UpstreamTokens {
        final AtomicInteger calls = new AtomicInteger();
        final Duration delay;

        SlowUpstream(Duration delay) {
            super(vertx, upstreamConfig, metrics);
            this.delay = delay;
        }

        @Override
        public Uni<GeminiAuthTokens.MintedName> create(AuthTokenSpec spec) {
            calls.incrementAndGet();
            return delay.isZero() ? super.create(spec) : super.create(spec).onItem().delayIt().by(delay);
        }
    }

    @Test
    void callersWhoGiveUpDuringASlowUpstreamCallLeaveOneRecordPerReservation() throws Exception {
        String tenant = Admin.newTenant("hangup");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":100,\"userRatePerMinute\":0}");
        SlowUpstream upstream = new SlowUpstream(Duration.ofMillis(800));
        QuarkusMock.installMockForType(upstream, UpstreamTokens.class);
        int callers = 20;
        String bearer = TestJwts.bearer("alice", tenant);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                done.add(pool.submit(() -> {
                    Stalls.hangUp(bearer, CLIENT_GIVES_UP);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        // Every mint that reached Google finishes after its caller left; wait for all of them.
        boolean settled = Stalls.eventually(Duration.ofSeconds(15),
                () -> upstream.calls.get() + Stalls.metric("livetoken_mints_abandoned_total",
                        "tenant=\"" + tenant + "\"", "result=\"released\"") == callers
                        && Stalls.deliveries(tenant).size() == upstream.calls.get()
                        && Stalls.userUsedToday(tenant, "alice") == upstream.calls.get());
        long reserved = Stalls.userUsedToday(tenant, "alice");
        List<String> records = Stalls.deliveries(tenant);
        int asked = upstream.calls.get();
        double released = Stalls.metric("livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\"",
                "result=\"released\"");
        System.out.printf("%d callers hung up after %d ms: %d upstream calls, %d reservations kept, %d audit records, "
                + "%.0f reservations given back%n", callers, CLIENT_GIVES_UP.toMillis(), asked, reserved,
                records.size(), released);
        assertThat(settled).as("reservations kept == audit records == upstream calls").isTrue();
        assertThat(asked).as("most mints reach the slow upstream before their caller leaves").isGreaterThan(callers / 2);
        assertThat(records).hasSize(asked).containsOnly("discarded");
        assertThat(reserved).isEqualTo(asked);
        assertThat(asked + released).as("every mint either completed or gave its reservation back")
                .isEqualTo(callers);
        assertThat(Stalls.metric("livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\"",
                "result=\"discarded\"")).isEqualTo(asked);
    }

    @Test
    void aCallerWhoGivesUpBeforeTheUpstreamCallGetsItsReservationBack() throws Exception {
        String tenant = Admin.newTenant("hangupearly");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":100,\"userRatePerMinute\":0}");
        SlowUpstream upstream = new SlowUpstream(Duration.ZERO);
        QuarkusMock.installMockForType(upstream, UpstreamTokens.class);
        String bearer = TestJwts.bearer("bob", tenant);
        io.restassured.RestAssured.given().header("Authorization", bearer).when().post("/v1/tokens")
                .then().statusCode(201);
        assertThat(Stalls.userUsedToday(tenant, "bob")).isEqualTo(1);

        // The store is stalled on bob's counter while he gives up, so his reservation lands after he left.
        try (Connection lock = Stalls.lockUserCounter(store, tenant, "bob")) {
            Stalls.hangUp(bearer, CLIENT_GIVES_UP);
            Thread.sleep(200);
            lock.rollback();
        }
        boolean released = Stalls.eventually(Duration.ofSeconds(10), () -> Stalls.metric(
                "livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\"", "result=\"released\"") == 1);
        assertThat(released).as("the late reservation was given back").isTrue();
        assertThat(Stalls.userUsedToday(tenant, "bob")).isEqualTo(1);
        assertThat(Stalls.deliveries(tenant)).containsExactly("returned");
        assertThat(upstream.calls.get()).as("Google is not asked for a token nobody will get").isEqualTo(1);
    }
}
