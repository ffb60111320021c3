package dev.livetoken.sessions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.livetoken.audit.AuditRecord;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * The checks a session report must pass, against its token's audit record: a report is untrusted,
 * so every value must be one the token could really have produced. Pure (the clock is a parameter),
 * tested directly. A refusal names the field and never repeats a value it was sent.
 */
public final class SessionRules {

    /** A WebSocket close reason is at most 123 bytes of UTF-8 (RFC 6455 §5.5: 125-byte control payload). */
    public static final int MAX_CLOSE_REASON_BYTES = 123;
    /** A session resumes at most about once a minute in practice; this bounds nonsense, not use. */
    public static final int MAX_RESUMPTIONS = 100_000;
    /** Audio timing is measured on the device, the duration by two clock readings: allow this much rounding. */
    static final double AUDIO_TOLERANCE_SECONDS = 1.0;

    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Duration skew;
    private final Duration tail;

    public SessionRules(Duration clockSkew, Duration connectionTail) {
        this.skew = clockSkew;
        this.tail = connectionTail;
    }

    /** The shape of the report, before its token is looked up: every field present and well formed. */
    public static void requireShape(SessionReport r) {
        if (r == null) {
            throw invalid("sessionId", "The body must be a session report object.");
        }
        if (r.sessionId() == null || !UUID.matcher(r.sessionId()).matches()) {
            throw invalid(
                    "sessionId",
                    "'sessionId' must be a UUID made by the device, e.g. " + "3f2b8c1e-4d5a-4e6f-9a7b-1c2d3e4f5a6b.");
        }
        if (r.token() == null
                || !r.token().startsWith("auth_tokens/")
                || r.token().length() > 4096) {
            throw invalid("token", "'token' must be the auth_tokens/… token the session used.");
        }
        time(r.startedAt(), "startedAt");
        time(r.endedAt(), "endedAt");
        seconds(r.audioSecondsSent(), "audioSecondsSent");
        seconds(r.audioSecondsReceived(), "audioSecondsReceived");
        if (r.resumptions() == null || r.resumptions() < 0 || r.resumptions() > MAX_RESUMPTIONS) {
            throw invalid("resumptions", "'resumptions' must be a whole number from 0 to " + MAX_RESUMPTIONS + ".");
        }
        if (r.closeCode() == null || r.closeCode() < 1000 || r.closeCode() > 4999) {
            throw invalid(
                    "closeCode", "'closeCode' must be the WebSocket close code the session ended with (1000-4999).");
        }
        if (r.closeReason() != null
                && r.closeReason().getBytes(StandardCharsets.UTF_8).length > MAX_CLOSE_REASON_BYTES) {
            throw invalid(
                    "closeReason",
                    "'closeReason' must be at most " + MAX_CLOSE_REASON_BYTES
                            + " bytes of UTF-8, as a WebSocket close reason is.");
        }
        if (r.usage() != null) {
            count(r.usage().promptTokenCount(), "usage.promptTokenCount");
            count(r.usage().responseTokenCount(), "usage.responseTokenCount");
            count(r.usage().totalTokenCount(), "usage.totalTokenCount");
        }
    }

    /**
     * The stored session for a well-shaped report of the token of record {@code token}, or a 400
     * naming the first value the token could not have produced.
     */
    public ReportedSession accept(SessionReport r, AuditRecord token, Instant now) {
        requireShape(r);
        Instant started = time(r.startedAt(), "startedAt");
        Instant ended = time(r.endedAt(), "endedAt");
        if (started.isBefore(token.mintedAt().minus(skew))) {
            throw invalid("startedAt", "'startedAt' is before the token was minted (" + token.mintedAt() + ").");
        }
        if (started.isAfter(token.expireTime().plus(skew))) {
            throw invalid("startedAt", "'startedAt' is after the token expired (" + token.expireTime() + ").");
        }
        if (ended.isBefore(started)) {
            throw invalid("endedAt", "'endedAt' is before 'startedAt': a session cannot end before it started.");
        }
        Instant last = token.expireTime().plus(tail);
        if (ended.isAfter(last.plus(skew))) {
            throw invalid(
                    "endedAt",
                    "'endedAt' is later than the token allows: its last connection closes by " + last
                            + " (expireTime plus " + tail.toMinutes() + " minutes).");
        }
        if (ended.isAfter(now.plus(skew))) {
            throw invalid("endedAt", "'endedAt' is in the future; report a session once it has ended.");
        }
        double duration = Duration.between(started, ended).toMillis() / 1000.0;
        if (r.audioSecondsSent() > duration + AUDIO_TOLERANCE_SECONDS) {
            throw invalid(
                    "audioSecondsSent",
                    String.format(Locale.ROOT, "'audioSecondsSent' exceeds the session's length (%.3f s).", duration));
        }
        // Received audio is not captured in real time: the model may deliver it faster (after a
        // resume the backlog is translated at once), so it is bounded by what the token allows
        // from the session's start, not by the session's own length.
        double possible = Duration.between(started, last).toMillis() / 1000.0;
        if (r.audioSecondsReceived() > possible + AUDIO_TOLERANCE_SECONDS) {
            throw invalid(
                    "audioSecondsReceived",
                    String.format(
                            Locale.ROOT,
                            "'audioSecondsReceived' exceeds what the token allows from 'startedAt' (%.3f s).",
                            possible));
        }
        return new ReportedSession(
                token.tenantId(),
                r.sessionId().toLowerCase(Locale.ROOT),
                token.subject(),
                token.id(),
                token.tokenHash(),
                started,
                ended,
                r.audioSecondsSent(),
                r.audioSecondsReceived(),
                r.resumptions(),
                r.closeCode(),
                plain(r.closeReason()),
                r.usage(),
                now.truncatedTo(ChronoUnit.MILLIS));
    }

    /** The close reason with control and format characters replaced, so it renders as the one line it is. */
    static String plain(String reason) {
        if (reason == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(reason.length());
        reason.codePoints().forEach(cp -> {
            int t = Character.getType(cp);
            b.appendCodePoint(
                    t == Character.CONTROL
                                    || t == Character.FORMAT
                                    || t == Character.LINE_SEPARATOR
                                    || t == Character.PARAGRAPH_SEPARATOR
                                    || t == Character.SURROGATE
                            ? '\uFFFD'
                            : cp);
        });
        return b.toString();
    }

    private static Instant time(String value, String field) {
        if (value == null) {
            throw invalid(field, "'" + field + "' is required: an RFC 3339 date-time, e.g. 2026-11-21T10:15:30.250Z.");
        }
        try {
            Instant at = OffsetDateTime.parse(value).toInstant().truncatedTo(ChronoUnit.MILLIS);
            if (at.isBefore(Instant.parse("2000-01-01T00:00:00Z"))
                    || at.isAfter(Instant.parse("9999-01-01T00:00:00Z"))) {
                throw invalid(field, "'" + field + "' is not a plausible time.");
            }
            return at;
        } catch (DateTimeParseException e) {
            throw invalid(field, "'" + field + "' must be an RFC 3339 date-time, e.g. 2026-11-21T10:15:30.250Z.");
        }
    }

    private static void seconds(Double v, String field) {
        if (v == null || v.isNaN() || v.isInfinite() || v < 0) {
            throw invalid(field, "'" + field + "' must be a number of seconds, 0 or more.");
        }
    }

    private static void count(Long v, String field) {
        if (v != null && v < 0) {
            throw invalid(field, "'" + field + "' must be 0 or more.");
        }
    }

    private static ProblemException invalid(String field, String detail) {
        return ProblemException.builder(ProblemType.INVALID_REQUEST, detail)
                .field(field)
                .build();
    }
}
