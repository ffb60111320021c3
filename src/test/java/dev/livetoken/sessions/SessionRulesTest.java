package dev.livetoken.sessions;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.livetoken.audit.AuditRecord;
import dev.livetoken.problem.ProblemException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The bounds of a session report against its token, at their edges. */
class SessionRulesTest {

    static final Instant MINT = Instant.parse("2026-11-29T10:00:00Z");
    static final Instant EXPIRE = MINT.plusSeconds(1800);
    static final AuditRecord TOKEN = new AuditRecord(
            42L,
            "acme",
            "alice",
            "alice",
            MINT,
            "m",
            true,
            "es",
            false,
            1,
            EXPIRE,
            MINT.plusSeconds(60),
            "acme",
            1,
            "r",
            "hash",
            AuditRecord.RETURNED,
            null);
    final SessionRules rules = new SessionRules(Duration.ofSeconds(60), Duration.ofMinutes(10));

    static SessionReport report(Instant start, Instant end, double sent) {
        return new SessionReport(
                "3F2B8C1E-4D5A-4E6F-9A7B-1C2D3E4F5A6B",
                "auth_tokens/x",
                start.toString(),
                end.toString(),
                sent,
                0.0,
                0,
                1000,
                null,
                null);
    }

    String refused(SessionReport r, Instant now) {
        return assertThrows(ProblemException.class, () -> rules.accept(r, TOKEN, now))
                .field();
    }

    @Test
    void theLongestSessionATokenAllowsIsAcceptedAndOneMomentMoreIsNot() {
        Instant last = EXPIRE.plus(Duration.ofMinutes(10)).plusSeconds(60);
        Instant now = last.plusSeconds(600);
        ReportedSession s = rules.accept(report(MINT.minusSeconds(60), last, 100), TOKEN, now);
        assertEquals(42L, s.tokenAuditId());
        assertEquals("3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b", s.sessionId(), "stored in one spelling");
        assertEquals(Duration.between(MINT.minusSeconds(60), last).toMillis() / 60_000.0, s.minutes(), 1e-9);
        assertEquals("endedAt", refused(report(MINT, last.plusMillis(1), 100), now));
        assertEquals("startedAt", refused(report(MINT.minusSeconds(61), MINT.plusSeconds(10), 1), now));
        assertEquals("startedAt", refused(report(EXPIRE.plusSeconds(61), EXPIRE.plusSeconds(70), 1), now));
    }

    @Test
    void aSessionCannotEndBeforeItStartedNorInTheFuture() {
        Instant now = MINT.plusSeconds(100);
        assertEquals("endedAt", refused(report(MINT.plusSeconds(10), MINT.plusSeconds(9), 0), now));
        rules.accept(report(MINT.plusSeconds(10), MINT.plusSeconds(10), 0), TOKEN, now);
        assertEquals("endedAt", refused(report(MINT.plusSeconds(10), now.plusSeconds(61), 1), now));
    }

    @Test
    void audioCannotExceedTheSessionsLength() {
        Instant now = MINT.plusSeconds(100);
        rules.accept(report(MINT, MINT.plusSeconds(30), 31.0), TOKEN, now);
        assertEquals("audioSecondsSent", refused(report(MINT, MINT.plusSeconds(30), 31.01), now));
        assertEquals("audioSecondsSent", refused(report(MINT, MINT.plusSeconds(30), Double.NaN), now));
        // received audio may come faster than real time, but not beyond what the token allows
        SessionReport burst = new SessionReport(
                "3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b",
                "auth_tokens/x",
                MINT.toString(),
                MINT.plusSeconds(30).toString(),
                30.0,
                45.0,
                0,
                1000,
                null,
                null);
        rules.accept(burst, TOKEN, now);
        SessionReport impossible = new SessionReport(
                burst.sessionId(),
                burst.token(),
                burst.startedAt(),
                burst.endedAt(),
                30.0,
                1800 + 600 + 60 + 1.01,
                0,
                1000,
                null,
                null);
        assertEquals("audioSecondsReceived", refused(impossible, now));
    }

    @Test
    void closeReasonsAreBoundedInBytesAndKeptOnOneLine() {
        Instant now = MINT.plusSeconds(100);
        SessionReport ok = new SessionReport(
                "3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b",
                "auth_tokens/x",
                MINT.toString(),
                MINT.plusSeconds(5).toString(),
                1.0,
                1.0,
                0,
                1011,
                "é".repeat(61) + "x",
                null);
        assertEquals(123, ok.closeReason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        rules.accept(ok, TOKEN, now);
        SessionReport tooLong = new SessionReport(
                ok.sessionId(), ok.token(), ok.startedAt(), ok.endedAt(), 1.0, 1.0, 0, 1011, "é".repeat(62), null);
        assertEquals("closeReason", refused(tooLong, now));
        assertEquals("a\uFFFDb\uFFFDc", SessionRules.plain("a\nb\u202Ec"));
    }
}
