package dev.livetoken.mint;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.livetoken.audit.AuditRecord;
import dev.livetoken.auth.Caller;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.upstream.LiveSetup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of a renewal, without the service: who may renew, what is asked for, what is refused. */
class RenewalTest {

    static final Instant T = Instant.parse("2026-11-29T10:00:00Z");

    static AuditRecord record(String subject, String model, boolean locked, String language, Boolean echo) {
        return new AuditRecord(
                7L,
                "acme",
                subject,
                subject,
                T,
                model,
                locked,
                language,
                echo,
                1,
                T.plusSeconds(1800),
                T.plusSeconds(60),
                "acme",
                1,
                "r",
                "hash",
                AuditRecord.RETURNED,
                null);
    }

    static MintPlan plan(String model, LiveSetup.Translation translation) {
        return new MintPlan(
                "acme",
                "alice",
                "alice",
                model,
                translation,
                1,
                T,
                T.plusSeconds(1800),
                T.plusSeconds(60),
                "acme",
                2,
                List.of());
    }

    @Test
    void onlyTheUserOrABrokerOfItsTenantMayRenew() {
        AuditRecord r = record("alice", "gemini-x", true, "es", false);
        assertTrue(Renewal.mayRenew(new Caller("alice", "acme", Set.of()), r));
        assertTrue(Renewal.mayRenew(new Caller("backend", "acme", Set.of(Caller.TOKEN_BROKER)), r));
        assertFalse(Renewal.mayRenew(new Caller("bob", "acme", Set.of()), r));
        assertFalse(Renewal.mayRenew(new Caller("bob", "acme", Set.of(Caller.TENANT_ADMIN)), r));
        assertFalse(Renewal.mayRenew(new Caller("alice", "other", Set.of()), r));
        assertFalse(Renewal.mayRenew(new Caller("backend", "other", Set.of(Caller.TOKEN_BROKER)), r));
        assertFalse(Renewal.mayRenew(new Caller("root", "other", Set.of(Caller.PLATFORM_ADMIN)), r));
    }

    @Test
    void theRequestAsksForTheSameConstraintsForTheSameUser() {
        Renewal locked = new Renewal(record("alice", "gemini-x", true, "de", true));
        assertEquals(
                new MintRequest("de", true, null, null, null, null),
                locked.request(new Caller("alice", "acme", Set.of())));
        assertEquals(
                new MintRequest("de", true, null, "alice", null, null),
                locked.request(new Caller("backend", "acme", Set.of(Caller.TOKEN_BROKER))));
        MintRequest unlocked = new Renewal(record("alice", "gemini-x", false, null, null))
                .request(new Caller("alice", "acme", Set.of()));
        assertNull(unlocked.targetLanguageCode());
        assertNull(unlocked.echoTargetLanguage());
    }

    @Test
    void aChangedModelOrLockModeIsRefusedNamingTheField() {
        Renewal locked = new Renewal(record("alice", "gemini-x", true, "es", false));
        locked.requireSameConstraints(plan("models/gemini-x", new LiveSetup.Translation("es", false)));
        ProblemException model = assertThrows(
                ProblemException.class,
                () -> locked.requireSameConstraints(plan("gemini-y", new LiveSetup.Translation("es", false))));
        assertEquals("model", model.field());
        assertEquals(403, model.type().status());
        ProblemException lock = assertThrows(
                ProblemException.class,
                () -> new Renewal(record("alice", "gemini-x", false, null, null))
                        .requireSameConstraints(plan("gemini-x", new LiveSetup.Translation("es", false))));
        assertEquals("lockMode", lock.field());
        ProblemException echo = assertThrows(
                ProblemException.class,
                () -> locked.requireSameConstraints(plan("gemini-x", new LiveSetup.Translation("es", true))));
        assertEquals("targetLanguageCode", echo.field());
    }
}
