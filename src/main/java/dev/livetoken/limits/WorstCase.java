package dev.livetoken.limits;

import java.time.Duration;
import java.time.Instant;

/**
 * A token's worst case in session-minutes: the audio time it can carry if everything it allows is
 * used. This is the one definition in code (docs/session-governance.md explains it):
 *
 * <pre>
 *   worstCaseSessionMinutes = ceil( uses × (lifetimeSeconds + CONNECTION_TAIL_SECONDS) / 60 )
 * </pre>
 *
 * {@code lifetimeSeconds} is {@code expireTime − serverTime}. Each of the {@code uses} sessions may
 * start at once and, by resuming (which spends no use), keep reconnecting until the token expires;
 * a connection opened just before {@code expireTime} still runs until Google closes it, about 10
 * minutes after it opened (docs/live-api-protocol.md, "A connection lasts about 10 min"). The
 * new-session window does not shorten the bound: a session started at its last second may still
 * resume until expiry.
 *
 * @param uses sessions the token allows (at least 1)
 * @param lifetimeSeconds seconds from minting to {@code expireTime} (at least 1)
 */
public record WorstCase(int uses, long lifetimeSeconds) {

    /** How long a Live connection may still run after the last moment it could be opened. */
    public static final long CONNECTION_TAIL_SECONDS = Duration.ofMinutes(10).toSeconds();

    public WorstCase {
        if (uses < 1 || lifetimeSeconds < 1) {
            throw new IllegalArgumentException("uses and lifetimeSeconds must be positive");
        }
    }

    /** The worst case of a token minted at {@code serverTime} that expires at {@code expireTime}. */
    public static WorstCase of(int uses, Instant serverTime, Instant expireTime) {
        // A lifetime with a fraction of a second counts as the next whole second: round against us.
        long millis = Duration.between(serverTime, expireTime).toMillis();
        return new WorstCase(uses, Math.max(1, Math.ceilDiv(millis, 1000)));
    }

    /** Whole minutes, rounded up. */
    public long minutes() {
        return minutes(uses, lifetimeSeconds);
    }

    /** The formula itself. */
    public static long minutes(long uses, long lifetimeSeconds) {
        return Math.ceilDiv(Math.multiplyExact(uses, lifetimeSeconds + CONNECTION_TAIL_SECONDS), 60);
    }

    /** "1 use × (1800 s lifetime + 600 s connection tail) = 40 min": the arithmetic, for simulate and support. */
    public String explain() {
        return uses + (uses == 1 ? " use" : " uses") + " × (" + lifetimeSeconds + " s lifetime + "
                + CONNECTION_TAIL_SECONDS + " s connection tail) / 60, rounded up = " + minutes() + " min";
    }

    /** The longest lifetime (seconds) with which this token's uses fit in {@code minutesLeft}, or 0 if none does. */
    public long longestLifetimeWithin(long minutesLeft) {
        if (minutesLeft <= 0) {
            return 0;
        }
        // minutes(uses, L) <= left  ⇔  uses × (L + tail) <= 60 × left
        long life = Math.floorDiv(Math.multiplyExact(minutesLeft, 60), uses) - CONNECTION_TAIL_SECONDS;
        return Math.max(0, life);
    }

    /** The most uses with which this token's lifetime fits in {@code minutesLeft}, or 0 if none does. */
    public long mostUsesWithin(long minutesLeft) {
        if (minutesLeft <= 0) {
            return 0;
        }
        return Math.floorDiv(Math.multiplyExact(minutesLeft, 60), lifetimeSeconds + CONNECTION_TAIL_SECONDS);
    }

    /**
     * The refusal's advice: which shorter {@code lifetimeSeconds} or smaller {@code uses} would fit in
     * what is left, or that nothing would (the smallest token, 1 use of 1 s, costs 11 minutes).
     */
    public String whatFits(long minutesLeft) {
        long life = longestLifetimeWithin(minutesLeft);
        long fewer = Math.min(mostUsesWithin(minutesLeft), uses - 1L);
        if (life < 1 && fewer < 1) {
            return "No token fits in what is left today (the smallest, 1 use of 1 second, costs " + minutes(1, 1)
                    + " minutes).";
        }
        StringBuilder b = new StringBuilder("Ask for ");
        if (life >= 1) {
            b.append("\"lifetimeSeconds\": ").append(life).append(" or less");
        }
        if (fewer >= 1) {
            b.append(life >= 1 ? ", or " : "")
                    .append("\"uses\": ")
                    .append(fewer)
                    .append(" or fewer");
        }
        return b.append(" to fit.").toString();
    }
}
