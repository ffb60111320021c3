package dev.livetoken.sessions;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A session report as stored, after {@link SessionRules} accepted it. No token: {@code tokenAuditId}
 * names the token's audit record.
 */
public record ReportedSession(
        String tenantId,
        String sessionId,
        String subject,
        long tokenAuditId,
        @JsonIgnore String tokenHash,
        Instant startedAt,
        Instant endedAt,
        double audioSecondsSent,
        double audioSecondsReceived,
        int resumptions,
        int closeCode,
        String closeReason,
        SessionReport.Usage usage,
        Instant reportedAt) {

    /** Wall-clock length of the session, in seconds (millisecond precision). */
    @JsonProperty("durationSeconds")
    public double durationSeconds() {
        return durationMillis() / 1000.0;
    }

    /** What the session counts for in session-minutes: its wall-clock length. */
    @JsonProperty("minutes")
    public double minutes() {
        return durationMillis() / 60_000.0;
    }

    @JsonIgnore
    public long durationMillis() {
        return Duration.between(startedAt, endedAt).toMillis();
    }
}
