package dev.livetoken.emulator;

import io.vertx.core.Vertx;

/**
 * The timers one emulated connection runs, by name: the goAway warning, the connection's time
 * limit, the token's expiry, the audio-only session limit, and the release of owed output. Each
 * slot holds at most one Vert.x timer; {@link #cancelAll()} stops them when the socket closes.
 * Used on the connection's context only.
 */
final class ConnectionTimers {

    enum Slot {
        GO_AWAY,
        TIME_LIMIT,
        TOKEN_EXPIRY,
        SESSION_LIMIT,
        RELEASE
    }

    private final Vertx vertx;
    private final long[] ids = new long[Slot.values().length];

    ConnectionTimers(Vertx vertx) {
        this.vertx = vertx;
        java.util.Arrays.fill(ids, -1);
    }

    /** Starts {@code action} after {@code millis} (at least 1 ms) in {@code slot}, replacing what was there. */
    void start(Slot slot, long millis, Runnable action) {
        cancel(slot);
        ids[slot.ordinal()] = vertx.setTimer(Math.max(1, millis), id -> {
            if (ids[slot.ordinal()] == id) {
                ids[slot.ordinal()] = -1;
            }
            action.run();
        });
    }

    boolean running(Slot slot) {
        return ids[slot.ordinal()] != -1;
    }

    void cancel(Slot slot) {
        long id = ids[slot.ordinal()];
        if (id != -1) {
            vertx.cancelTimer(id);
            ids[slot.ordinal()] = -1;
        }
    }

    void cancelAll() {
        for (Slot s : Slot.values()) {
            cancel(s);
        }
    }
}
