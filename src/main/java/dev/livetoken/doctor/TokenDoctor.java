package dev.livetoken.doctor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.livetoken.audit.AuditRecord;
import dev.livetoken.doctor.CloseDictionary.Finding;

/** Pure diagnosis: a token's audit record and an optional close, in; its state and findings, out. */
public final class TokenDoctor {

    /** What the service locks in every token (MintService: the constraints plus tools and systemInstruction). */
    static final List<String> LOCKED_ALWAYS = List.of(
            "model",
            "generationConfig.responseModalities",
            "inputAudioTranscription",
            "outputAudioTranscription",
            "tools",
            "systemInstruction");

    /** The token as the audit trail knows it. */
    public record TokenState(
            String status,
            Instant expireTime,
            Instant newSessionExpireTime,
            int uses,
            String model,
            boolean locked,
            TranslationConfig translationConfig,
            List<String> lockedFields) {}

    public record TranslationConfig(String targetLanguageCode, Boolean echoTargetLanguage) {}

    public record Diagnosis(TokenState token, List<Finding> findings) {}

    private TokenDoctor() {}

    public static Diagnosis diagnose(AuditRecord r, Integer closeCode, String closeReason, Instant now) {
        String status = now.isAfter(r.expireTime())
                ? "expired"
                : now.isAfter(r.newSessionExpireTime()) ? "new-session-window-closed" : "live";
        List<String> locked = new ArrayList<>(LOCKED_ALWAYS);
        if (r.locked()) {
            locked.add(2, "generationConfig.translationConfig");
        }
        TokenState state = new TokenState(
                status,
                r.expireTime(),
                r.newSessionExpireTime(),
                r.uses(),
                r.model(),
                r.locked(),
                r.targetLanguageCode() == null
                        ? null
                        : new TranslationConfig(r.targetLanguageCode(), r.echoTargetLanguage()),
                List.copyOf(locked));
        Set<Finding> findings = new LinkedHashSet<>();
        if (status.equals("expired")) {
            findings.add(CloseDictionary.EXPIRED);
        } else if (status.equals("new-session-window-closed") && closeCode != null && closeCode == 1008) {
            findings.add(CloseDictionary.WINDOW_CLOSED);
        }
        if (closeCode != null) {
            Finding f = CloseDictionary.of(closeCode, closeReason);
            if (closeCode == 1007 && namesLockedField(closeReason, locked)) {
                findings.add(CloseDictionary.LOCKED);
            }
            findings.add(f);
        }
        return new Diagnosis(state, List.copyOf(findings));
    }

    /** Google names fields in snake_case (setup.generation_config.response_modalities[0]) or camelCase. */
    static boolean namesLockedField(String reason, List<String> locked) {
        if (reason == null) {
            return false;
        }
        String r = reason.toLowerCase(Locale.ROOT).replace("_", "");
        for (String path : locked) {
            String leaf = path.substring(path.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
            if (r.contains(leaf)) {
                return true;
            }
        }
        return false;
    }
}
