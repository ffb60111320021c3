package dev.livetoken.limits;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The worst-case formula: ceil(uses × (lifetime + 600 s) / 60), and the advice of a refusal. */
class WorstCaseTest {

    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void theDefaultTokenOfThirtyMinutesCostsFortyMinutes() {
        assertThat(new WorstCase(1, 1800).minutes()).isEqualTo(40);
        assertThat(WorstCase.of(1, T0, T0.plusSeconds(1800)).minutes()).isEqualTo(40);
    }

    @Test
    void everyUseIsASessionThatMayRunUntilExpiryPlusTheConnectionTail() {
        assertThat(new WorstCase(3, 1800).minutes()).isEqualTo(120);
        assertThat(new WorstCase(10, 3600).minutes()).isEqualTo(700);
    }

    @Test
    void partialMinutesRoundUp() {
        // 1 s + 600 s = 601 s = 10 min 1 s
        assertThat(new WorstCase(1, 1).minutes()).isEqualTo(11);
        assertThat(new WorstCase(1, 60).minutes()).isEqualTo(11);
        assertThat(new WorstCase(1, 61).minutes()).isEqualTo(12);
        // 7 × 601 s = 4207 s = 70.1 min
        assertThat(new WorstCase(7, 1).minutes()).isEqualTo(71);
    }

    @Test
    void aLifetimeWithAFractionOfASecondCountsTheWholeSecond() {
        assertThat(WorstCase.of(1, T0, T0.plusMillis(60_001)).lifetimeSeconds()).isEqualTo(61);
        assertThat(WorstCase.of(1, T0, T0.plusMillis(60_001)).minutes()).isEqualTo(12);
        assertThat(WorstCase.of(1, T0, T0).lifetimeSeconds()).isEqualTo(1);
    }

    @Test
    void googlesLongestTokenDoesNotOverflow() {
        // 1000 uses × (71999 s + 600 s) / 60 = 1,209,983.33 → 1,209,984
        assertThat(new WorstCase(1000, 71_999).minutes()).isEqualTo(1_209_984);
    }

    @Test
    void nonsenseIsRefused() {
        assertThatThrownBy(() -> new WorstCase(0, 60)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorstCase(1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLongestLifetimeThatFitsReallyFitsAndOneSecondMoreDoesNot() {
        WorstCase asked = new WorstCase(2, 1800);
        for (long left = 1; left <= 200; left++) {
            long life = asked.longestLifetimeWithin(left);
            if (life >= 1) {
                assertThat(WorstCase.minutes(2, life)).isLessThanOrEqualTo(left);
                assertThat(WorstCase.minutes(2, life + 1)).isGreaterThan(left);
            } else {
                assertThat(WorstCase.minutes(2, 1)).isGreaterThan(left);
            }
            long uses = asked.mostUsesWithin(left);
            assertThat(WorstCase.minutes(uses, 1800)).isLessThanOrEqualTo(left);
            assertThat(WorstCase.minutes(uses + 1, 1800)).isGreaterThan(left);
        }
    }

    @Test
    void theAdviceNamesAShorterLifetimeOrFewerUses() {
        WorstCase asked = new WorstCase(3, 1800); // 120 min
        assertThat(asked.whatFits(80))
                .isEqualTo("Ask for \"lifetimeSeconds\": 1000 or less, or \"uses\": 2 or fewer to fit.");
        // one use is already the fewest: only the lifetime can shrink
        assertThat(new WorstCase(1, 1800).whatFits(20)).isEqualTo("Ask for \"lifetimeSeconds\": 600 or less to fit.");
        assertThat(new WorstCase(1, 1800).whatFits(10))
                .startsWith("No token fits")
                .contains("11 minutes");
        assertThat(new WorstCase(1, 1800).whatFits(0)).startsWith("No token fits");
    }

    @Test
    void explainShowsTheArithmetic() {
        assertThat(new WorstCase(2, 1800).explain())
                .isEqualTo("2 uses × (1800 s lifetime + 600 s connection tail) / 60, rounded up = 80 min");
    }
}
