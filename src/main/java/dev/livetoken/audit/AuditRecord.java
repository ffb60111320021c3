package dev.livetoken.audit;

import java.time.Instant;

/**
 * One returned token, as the audit trail keeps it. {@code tokenHash} is an HMAC of the token, never
 * the token; {@code actor} is who asked (a token-broker when it differs from {@code subject}).
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
        String tokenHash) {
}
