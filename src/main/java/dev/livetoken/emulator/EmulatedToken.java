package dev.livetoken.emulator;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What the emulator remembers of a token it minted: its constraints, expiry, new-session window
 * and uses left. The name (the credential) is the store's key and is never printed.
 *
 * @param uses 0 means unlimited, as in Google's API
 * @param setup the locked setup (camelCase), or null when the token carries none
 * @param fieldMask the locked paths (camelCase), or null for "no mask"
 */
public record EmulatedToken(
        int uses,
        Instant createdAt,
        Instant expireTime,
        Instant newSessionExpireTime,
        ObjectNode setup,
        List<String> fieldMask,
        AtomicInteger sessionsStarted) {

    /** Spends one use for a new session; false when none is left. Thread-safe. */
    public boolean trySpendUse() {
        if (uses == 0) {
            sessionsStarted.incrementAndGet();
            return true;
        }
        while (true) {
            int started = sessionsStarted.get();
            if (started >= uses) {
                return false;
            }
            if (sessionsStarted.compareAndSet(started, started + 1)) {
                return true;
            }
        }
    }

    public int usesLeft() {
        return uses == 0 ? Integer.MAX_VALUE : Math.max(0, uses - sessionsStarted.get());
    }

    @Override
    public String toString() {
        return "EmulatedToken[uses=" + uses + ", expireTime=" + expireTime + "]";
    }
}
