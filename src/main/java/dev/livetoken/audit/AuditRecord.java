package dev.livetoken.audit;

import java.time.Instant;

/**
 * One minted token, as the audit trail keeps it. {@code tokenHash} is an HMAC of the token, never
 * the token; {@code actor} is who asked (a token-broker when it differs from {@code subject});
 * {@code delivery} says whether the caller got it ({@link #RETURNED}) or had gone when it was ready
 * ({@link #DISCARDED}: minted upstream and counted, never sent). {@code worstCaseSessionMinutes}
 * is what the token was charged against the session-minutes budgets (null for records written
 * before it was kept).
 */
public record AuditRecord(
        Long id,
        String tenantId,
        String subject,
        String actor,
        Instant mintedAt,
        String model,
        boolean locked,
        String targetLanguageCode,
        Boolean echoTargetLanguage,
        int uses,
        Instant expireTime,
        Instant newSessionExpireTime,
        String policyTenant,
        long policyVersion,
        String requestId,
        String tokenHash,
        String delivery,
        Long worstCaseSessionMinutes) {

    /** The token was handed to the caller's connection. */
    public static final String RETURNED = "returned";
    /** The caller had hung up (or had been answered 503) before the token was ready; it was never sent. */
    public static final String DISCARDED = "discarded";
}
