package dev.livetoken.translate;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.auth.Caller;
import dev.livetoken.languages.Language;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * Decides whether a translation request may run under the tenant's policy and the platform's
 * settings, or why not. Pure: no I/O, so each rule is tested directly. The order of checks is
 * the order of the answers: bad request (400) before policy refusals (403) before limits (429, later).
 */
@ApplicationScoped
public class TranslationPlanner {

    private final LanguageCatalog languages;
    private final TextModelAllowList models;
    private final int maxCharacters;

    public TranslationPlanner(LanguageCatalog languages, TextModelAllowList models, TranslateConfig config) {
        this.languages = languages;
        this.models = models;
        this.maxCharacters = config.maxCharacters();
    }

    public TranslationPlan plan(Caller caller, EffectivePolicy effective, TranslationRequest r, Instant now) {
        if (r == null) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        if (r.text() == null || r.text().isBlank()) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'text' is required and must not be blank.")
                    .field("text")
                    .build();
        }
        int characters = r.text().codePointCount(0, r.text().length());
        if (characters > maxCharacters) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "'text' may be at most " + maxCharacters + " characters; this one has " + characters
                                    + ". Split it.")
                    .field("text")
                    .build();
        }
        if (r.targetLanguageCode() == null) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'targetLanguageCode' is required.")
                    .field("targetLanguageCode")
                    .build();
        }
        Language target = languages.require(r.targetLanguageCode(), "targetLanguageCode");
        Language source =
                r.sourceLanguageCode() == null ? null : languages.require(r.sourceLanguageCode(), "sourceLanguageCode");
        TokenPolicy policy = effective.policy();
        if (effective.tenantBlocked()) {
            throw ProblemException.of(
                    ProblemType.BLOCKED, "Tenant '" + caller.tenant() + "' is blocked by an operator.");
        }
        if (effective.blocks(caller.subject())) {
            throw ProblemException.of(ProblemType.BLOCKED, "This user is blocked by an operator.");
        }
        if (!policy.enabled()) {
            throw ProblemException.of(
                    ProblemType.POLICY_FORBIDS, "The service is disabled for tenant '" + caller.tenant() + "'.");
        }
        if (!models.allows(policy.textModel())) {
            // An operator narrowed the platform's models after the tenant policy was written.
            throw ProblemException.of(
                    ProblemType.POLICY_FORBIDS,
                    "Your tenant's text model '" + policy.textModel()
                            + "' is not allowed on this platform; ask your administrator to change the policy.");
        }
        if (!policy.allowsLanguage(target.code())) {
            List<String> allowed =
                    policy.allowedTargetLanguages().stream().sorted().toList();
            throw ProblemException.builder(
                            ProblemType.LANGUAGE_NOT_ALLOWED,
                            "Your tenant's policy does not allow target language '" + target.code() + "'.")
                    .field("targetLanguageCode")
                    .suggestions(allowed)
                    .build();
        }
        return new TranslationPlan(
                caller.tenant(), caller.subject(), policy, target, source, r.text(), characters, now);
    }
}
