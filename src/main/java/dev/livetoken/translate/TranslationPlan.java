package dev.livetoken.translate;

import java.time.Instant;

import dev.livetoken.languages.Language;
import dev.livetoken.policy.TokenPolicy;

/**
 * What one accepted translation request will do: for whom, under which policy (its model and
 * character limits), into which language, and how many characters it spends. Holds the text only
 * in memory.
 */
public record TranslationPlan(
        String tenant,
        String subject,
        TokenPolicy policy,
        Language target,
        Language source,
        String text,
        int characters,
        Instant at) {

    public String model() {
        return policy.textModel();
    }

    @Override
    public String toString() {
        // The text never goes to a log line by accident.
        return "TranslationPlan[tenant=" + tenant + ", subject=" + subject + ", model=" + model() + ", target="
                + target.code() + ", characters=" + characters + "]";
    }
}
