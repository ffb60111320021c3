package dev.livetoken.translate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.livetoken.auth.Caller;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.PlatformCeilings;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.support.Policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Which translation requests a policy lets through, and the answer to the others. */
class TranslationPlannerTest {

    static final Caller ALICE = new Caller("alice", "acme", Set.of());
    static final Instant NOW = Instant.parse("2026-11-29T10:00:00Z");

    static TokenPolicy policy(boolean enabled, Set<String> languages, String textModel) {
        return Policies.defaults()
                .withEnabled(enabled)
                .withAllowedTargetLanguages(languages)
                .withDefaultTargetLanguage(
                        languages.isEmpty() ? "en" : languages.iterator().next())
                .withUses(1, 3)
                .withNewSessionWindow(Duration.ofMinutes(1), Duration.ofMinutes(5))
                .withVersion(4)
                .withTextModel(textModel)
                .withUserCharactersPerDay(100)
                .build();
    }

    static TranslationPlanner planner(int maxCharacters, String... models) {
        TranslateConfig config = new TranslateConfig() {
            @Override
            public int maxCharacters() {
                return maxCharacters;
            }

            @Override
            public Duration maxDuration() {
                return Duration.ofMinutes(1);
            }

            @Override
            public int maxConnections() {
                return 8;
            }
        };
        return new TranslationPlanner(
                new LanguageCatalog(),
                new TextModelAllowList(new PlatformCeilings(
                        List.of("gemini-3.5-live-translate-preview"),
                        List.of(models),
                        10,
                        3600,
                        600,
                        false,
                        0,
                        0,
                        0,
                        0,
                        List.of(),
                        PlatformCeilings.SessionCeilings.NONE,
                        PlatformCeilings.TextCeilings.NONE)),
                config);
    }

    static ProblemException refusal(TranslationPlanner p, EffectivePolicy e, TranslationRequest r) {
        return catchThrowableOfType(ProblemException.class, () -> p.plan(ALICE, e, r, NOW));
    }

    static EffectivePolicy own(TokenPolicy p, String... blocked) {
        return new EffectivePolicy(p, "tenant", Set.of(blocked));
    }

    @Test
    void aGoodRequestIsPlannedWithTheTenantsTextModelAndCodePointCount() {
        TranslationPlan plan = planner(10, "gemini-3.1-flash-lite")
                .plan(
                        ALICE,
                        own(policy(true, Set.of(), "gemini-3.1-flash-lite")),
                        new TranslationRequest("añ😀b", "ES", "en"),
                        NOW);
        assertThat(plan.model()).isEqualTo("gemini-3.1-flash-lite");
        assertThat(plan.characters()).isEqualTo(4);
        assertThat(plan.target().code()).isEqualTo("es");
        assertThat(plan.source().code()).isEqualTo("en");
        assertThat(plan.toString()).doesNotContain("añ");
    }

    @Test
    void refusalsNameTheRuleAndTheField() {
        TranslationPlanner p = planner(5, "gemini-3.1-flash-lite");
        EffectivePolicy ok = own(policy(true, Set.of("es"), "gemini-3.1-flash-lite"));
        assertThat(refusal(p, ok, new TranslationRequest(" ", "es", null)).field())
                .isEqualTo("text");
        ProblemException tooLong = refusal(p, ok, new TranslationRequest("abcdef", "es", null));
        assertThat(tooLong.type()).isEqualTo(ProblemType.INVALID_REQUEST);
        assertThat(tooLong.field()).isEqualTo("text");
        assertThat(refusal(p, ok, new TranslationRequest("a", null, null)).field())
                .isEqualTo("targetLanguageCode");
        assertThat(refusal(p, ok, new TranslationRequest("a", "klingon", null)).type())
                .isEqualTo(ProblemType.UNKNOWN_LANGUAGE);
        assertThat(refusal(p, ok, new TranslationRequest("a", "es", "nope")).field())
                .isEqualTo("sourceLanguageCode");
        ProblemException lang = refusal(p, ok, new TranslationRequest("a", "fr", null));
        assertThat(lang.type()).isEqualTo(ProblemType.LANGUAGE_NOT_ALLOWED);
        assertThat(lang.suggestions()).containsExactly("es");
        assertThat(refusal(
                                p,
                                own(policy(true, Set.of(), "gemini-3.1-flash-lite"), "alice"),
                                new TranslationRequest("a", "es", null))
                        .type())
                .isEqualTo(ProblemType.BLOCKED);
        assertThat(refusal(
                                p,
                                own(policy(true, Set.of(), "gemini-3.1-flash-lite"), "*"),
                                new TranslationRequest("a", "es", null))
                        .type())
                .isEqualTo(ProblemType.BLOCKED);
        assertThat(refusal(
                                p,
                                own(policy(false, Set.of(), "gemini-3.1-flash-lite")),
                                new TranslationRequest("a", "es", null))
                        .type())
                .isEqualTo(ProblemType.POLICY_FORBIDS);
        assertThat(refusal(p, own(policy(true, Set.of(), "gemini-2.5-pro")), new TranslationRequest("a", "es", null))
                        .type())
                .isEqualTo(ProblemType.POLICY_FORBIDS);
    }
}
