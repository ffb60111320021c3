package dev.livetoken.sessions;

/**
 * Body of {@code POST /v1/sessions}: a finished Live session as a device saw it. Untrusted: every
 * value is checked by {@link SessionRules} before anything is stored. Times are read as text so a
 * bad one is answered naming its field.
 *
 * @param sessionId a UUID the device made; the idempotency key of the report
 * @param token the {@code auth_tokens/…} token the session used (kept only as its HMAC)
 * @param usage cumulative token counts as the Live API's last {@code usageMetadata} gave them; optional
 */
public record SessionReport(
        String sessionId,
        String token,
        String startedAt,
        String endedAt,
        Double audioSecondsSent,
        Double audioSecondsReceived,
        Integer resumptions,
        Integer closeCode,
        String closeReason,
        Usage usage) {

    /** Token counts of the session ({@code usageMetadata}); each optional. */
    public record Usage(Long promptTokenCount, Long responseTokenCount, Long totalTokenCount) {}

    @Override
    public String toString() {
        // the token is a credential and the close reason comes from outside: neither goes into a log line
        return "SessionReport[sessionId=" + sessionId + "]";
    }
}
