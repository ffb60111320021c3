package dev.livetoken.mint;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.store.Store;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Stalls;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.MintedName;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;
import dev.livetoken.upstream.UpstreamMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A caller that hangs up mid-mint never leaves a reservation without a record: once Google has
 * been asked the mint completes (record kept as {@code discarded}, reservation kept, counted), and
 * before that the reservation is given back.
 */
@QuarkusTest
@Tag("store")
class CallerHangsUpTest {

    /** Long enough for the mint to be waiting on the stalled counter, short of the statement timeout. */
    static final Duration CLIENT_GIVES_UP = Duration.ofMillis(800);

    @Inject
    Store store;

    @Inject
    Vertx vertx;

    @Inject
    UpstreamConfig upstreamConfig;

    @Inject
    UpstreamMetrics metrics;

    /** The emulator behind a delay, counting its calls: a slow Google. */
    final class SlowUpstream extends UpstreamFacade {
        final AtomicInteger calls = new AtomicInteger();
        final Duration delay;

        SlowUpstream(Duration delay) {
            super(vertx, upstreamConfig, metrics);
            this.delay = delay;
        }

        @Override
        public Uni<MintedName> create(AuthTokenSpec spec) {
            calls.incrementAndGet();
            return delay.isZero()
                    ? super.create(spec)
                    : super.create(spec).onItem().delayIt().by(delay);
        }
    }

    @Test
    void callersWhoGiveUpDuringASlowUpstreamCallLeaveOneRecordPerReservation() throws Exception {
        String tenant = Admin.newTenant("hangup");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":100,\"userRatePerMinute\":0}");
        String bearer = TestJwts.bearer("alice", tenant);
        // Warm up with a normal mint: policy cached, counter row created.
        io.restassured.RestAssured.given()
                .header("Authorization", bearer)
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);
        SlowUpstream upstream = new SlowUpstream(Duration.ofSeconds(2));
        QuarkusMock.installMockForType(upstream, UpstreamFacade.class);
        int callers = 20;
        long start = System.nanoTime();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                // Each caller gives up while Google is still minting its token (2 s): once all
                // twenty mints are waiting on it, normally about 0.3 s in.
                done.add(pool.submit(() -> {
                    Stalls.hangUpWhen(bearer, () -> upstream.calls.get() == callers, Duration.ofSeconds(10));
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        long gaveUpAfter = Duration.ofNanos(System.nanoTime() - start).toMillis();
        // Every mint finishes after its caller left; wait for all of them.
        boolean settled = Stalls.eventually(
                Duration.ofSeconds(15), () -> Stalls.deliveries(tenant).size() == 1 + callers);
        long reserved = Stalls.userUsedToday(tenant, "alice") - 1;
        List<String> records = Stalls.deliveries(tenant);
        long discarded = records.stream().filter("discarded"::equals).count();
        System.out.printf(
                "%d callers hung up after %d ms while the upstream was minting: %d upstream calls, "
                        + "%d reservations kept, %d audit records (discarded)%n",
                callers, gaveUpAfter, upstream.calls.get(), reserved, discarded);
        assertThat(upstream.calls.get())
                .as("mints that reached the slow upstream")
                .isEqualTo(callers);
        assertThat(settled).as("one audit record per minted token").isTrue();
        assertThat(discarded).isEqualTo(callers);
        assertThat(reserved).as("reservations kept == audit records").isEqualTo(discarded);
        assertThat(Stalls.metric(
                        "livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\"", "result=\"discarded\""))
                .isEqualTo(callers);
    }

    @Test
    void aCallerWhoGivesUpBeforeTheUpstreamCallGetsItsReservationBack() throws Exception {
        String tenant = Admin.newTenant("hangupearly");
        Admin.createPolicy(tenant, "{\"userQuotaPerDay\":100,\"userRatePerMinute\":0}");
        SlowUpstream upstream = new SlowUpstream(Duration.ZERO);
        QuarkusMock.installMockForType(upstream, UpstreamFacade.class);
        String bearer = TestJwts.bearer("bob", tenant);
        io.restassured.RestAssured.given()
                .header("Authorization", bearer)
                .when()
                .post("/v1/tokens")
                .then()
                .statusCode(201);
        assertThat(Stalls.userUsedToday(tenant, "bob")).isEqualTo(1);

        // The store is stalled on bob's counter while he gives up, so his reservation lands after he left.
        try (Connection lock = Stalls.lockUserCounter(store, tenant, "bob")) {
            Stalls.hangUp(bearer, CLIENT_GIVES_UP);
            Thread.sleep(200);
            lock.rollback();
        }
        boolean released = Stalls.eventually(
                Duration.ofSeconds(10),
                () -> Stalls.metric(
                                "livetoken_mints_abandoned_total", "tenant=\"" + tenant + "\"", "result=\"released\"")
                        == 1);
        assertThat(released).as("the late reservation was given back").isTrue();
        assertThat(Stalls.userUsedToday(tenant, "bob")).isEqualTo(1);
        assertThat(Stalls.deliveries(tenant)).containsExactly("returned");
        assertThat(upstream.calls.get())
                .as("Google is not asked for a token nobody will get")
                .isEqualTo(1);
    }
}
