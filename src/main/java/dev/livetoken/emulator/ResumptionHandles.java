package dev.livetoken.emulator;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Session resumption handles the emulated Live API hands out. A handle names a session (its token
 * and what it has consumed so far) and stays valid for a while (Google: 2 h, docs/live-api-protocol.md §5).
 * Handles are credentials too: never logged.
 */
@ApplicationScoped
public class ResumptionHandles {

    /** What a session carries across connections. Mutated only by the connection that owns it. */
    public static final class Session {
        final String tokenName;
        final EmulatedTranslation translation;
        final ObjectNode effectiveSetup;
        /** When the session began (its first connection), for the audio-only session limit. */
        final Instant startedAt;
        /** Translated audio not yet released (the emulated translation runs behind the input). */
        final java.util.ArrayDeque<PendingOutput> pending = new java.util.ArrayDeque<>();
        /** The connection currently serving the session, or null. */
        volatile LiveConnection connection;

        boolean turnEnding;
        /** Whether the latest input chunk was silence (then its resampler tail is silence too). */
        boolean lastInputSilent;
        /** Audio chunks the session has consumed: a handle names the state at one such position. */
        long consumed;

        boolean ended;
        long promptTokens;
        long responseTokens;

        Session(String tokenName, EmulatedTranslation translation, ObjectNode effectiveSetup) {
            this(tokenName, translation, effectiveSetup, Instant.now());
        }

        Session(String tokenName, EmulatedTranslation translation, ObjectNode effectiveSetup, Instant startedAt) {
            this.tokenName = tokenName;
            this.translation = translation;
            this.effectiveSetup = effectiveSetup;
            this.startedAt = startedAt;
        }
    }

    /** Translated audio due at {@code dueNanos} ({@link System#nanoTime()}). */
    record PendingOutput(long dueNanos, byte[] pcm, long position) {}

    /** A session as a handle names it: its state after {@code position} consumed chunks. */
    public record Resumed(Session session, long position) {}

    private record Entry(Session session, Instant validUntil, long position) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> handles = new ConcurrentHashMap<>();

    /** A new handle for the session, valid until {@code validUntil}. */
    public String issue(Session session, Instant validUntil) {
        byte[] raw = new byte[18];
        random.nextBytes(raw);
        String handle = "emulated-" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        handles.put(handle, new Entry(session, validUntil, session.consumed));
        return handle;
    }

    /** The session of a handle still valid at {@code now}. */
    public Optional<Session> find(String handle, Instant now) {
        return resume(handle, now).map(Resumed::session);
    }

    /** The session of a handle still valid at {@code now}, and the position the handle names. */
    public Optional<Resumed> resume(String handle, Instant now) {
        Entry e = handle == null ? null : handles.get(handle);
        if (e == null || e.validUntil().isBefore(now)) {
            return Optional.empty();
        }
        return Optional.of(new Resumed(e.session(), e.position()));
    }

    public int purgeExpired(Instant now) {
        int before = handles.size();
        handles.values().removeIf(e -> e.validUntil().isBefore(now));
        return before - handles.size();
    }
}
