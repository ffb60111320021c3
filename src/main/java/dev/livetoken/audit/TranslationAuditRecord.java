package dev.livetoken.audit;

import java.time.Instant;

/**
 * One text translation as the audit trail keeps it: who, when, which model and languages, how much
 * (characters in and out, the upstream's token counts) and how it ended. {@code textHash} is an HMAC
 * of the text ({@link TokenHasher}); the text itself is never stored.
 *
 * @param outcome {@code completed}, {@code upstream-failed} (the stream broke after delivering
 *        some text) or {@code client-closed} (the caller hung up mid-stream)
 */
public record TranslationAuditRecord(
        Long id,
        String tenantId,
        String subject,
        Instant translatedAt,
        String model,
        String sourceLanguageCode,
        String targetLanguageCode,
        int characters,
        int outputCharacters,
        Integer promptTokens,
        Integer outputTokens,
        String outcome,
        boolean streamed,
        String policyTenant,
        long policyVersion,
        String requestId,
        String textHash) {}
