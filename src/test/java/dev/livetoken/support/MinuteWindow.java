package dev.livetoken.support;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Per-minute rate limits count in UTC minute windows (limits/UsageLimiter). A test that spends a
 * rate and then expects the refusal must do both in one window: one that straddles a minute's end
 * sees the counter start again and gets a 201 where it expects a 429 (CI once did).
 */
public final class MinuteWindow {

    private MinuteWindow() {}

    /**
     * Returns at once when at least {@code needed} is left of the current minute; otherwise waits
     * for the next one to begin.
     */
    public static void atLeastLeft(Duration needed) {
        Instant now = Instant.now();
        Instant end = now.truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
        Duration left = Duration.between(now, end);
        if (left.compareTo(needed) >= 0) {
            return;
        }
        try {
            // 50 ms past the boundary: the service's clock and ours are the same clock
            Thread.sleep(left.toMillis() + 50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Enough for a handful of mints on a loaded machine. */
    public static void atLeastTenSecondsLeft() {
        atLeastLeft(Duration.ofSeconds(10));
    }
}
