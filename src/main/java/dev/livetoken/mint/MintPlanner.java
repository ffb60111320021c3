package dev.livetoken.mint;

import dev.livetoken.auth.Caller;
import dev.livetoken.languages.Language;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.LockMode;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.LiveSetup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides what token a request gets under a policy, or why it gets none. Pure: no I/O, no clock
 * of its own, so every rule is tested directly.
 */
@ApplicationScoped
public class MintPlanner {

    private static final Pattern SUBJECT = Pattern.compile("[^\\p{Cntrl}]{1,255}");
    private final LanguageCatalog languages;

    public MintPlanner(LanguageCatalog languages) {
        this.languages = languages;
    }

    public MintPlan plan(Caller caller, TokenPolicy policy, MintRequest request, Instant now) {
        MintRequest r = request == null ? MintRequest.EMPTY : request;
        String subject = subject(caller, r);
        if (!policy.enabled()) {
            throw ProblemException.of(ProblemType.POLICY_FORBIDS,
                    "Token minting is disabled for tenant '" + caller.tenant() + "'.");
        }
        LiveSetup.Translation translation = translation(policy, r);
        int uses = uses(policy, r);
        Instant serverTime = now.truncatedTo(ChronoUnit.MILLIS);
        Instant expire = serverTime.plus(policy.tokenLifetime());
        Instant newSession = serverTime.plus(policy.newSessionWindow());
        if (newSession.isAfter(expire)) {
            newSession = expire;
        }
        return new MintPlan(caller.tenant(), subject, policy.model(), translation, uses, serverTime, expire,
                newSession, policy.version());
    }

    private static String subject(Caller caller, MintRequest r) {
        if (r.onBehalfOf() == null) {
            return caller.subject();
        }
        if (!caller.isTokenBroker()) {
            throw ProblemException.builder(ProblemType.FORBIDDEN,
                    "Only a token-broker may mint on behalf of another user.").field("onBehalfOf").build();
        }
        if (!SUBJECT.matcher(r.onBehalfOf()).matches() || r.onBehalfOf().isBlank()) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST,
                    "'onBehalfOf' must be a user id of 1 to 255 printable characters.").field("onBehalfOf").build();
        }
        return r.onBehalfOf();
    }

    private LiveSetup.Translation translation(TokenPolicy policy, MintRequest r) {
        boolean echo = policy.echoTargetLanguage();
        if (r.echoTargetLanguage() != null && r.echoTargetLanguage() != echo) {
            if (!policy.echoOverridable()) {
                throw ProblemException.builder(ProblemType.POLICY_FORBIDS,
                        "Your tenant's policy fixes echoTargetLanguage to " + echo + ".")
                        .field("echoTargetLanguage").build();
            }
            echo = r.echoTargetLanguage();
        }
        if (r.targetLanguageCode() == null) {
            // UNLOCKED leaves the choice to the device; LOCKED falls back to the tenant default.
            return policy.lockMode() == LockMode.UNLOCKED ? null
                    : new LiveSetup.Translation(policy.defaultTargetLanguage(), echo);
        }
        Language lang = languages.require(r.targetLanguageCode(), "targetLanguageCode");
        if (!policy.allowsLanguage(lang.code())) {
            List<String> allowed = policy.allowedTargetLanguages().stream().sorted().toList();
            throw ProblemException.builder(ProblemType.LANGUAGE_NOT_ALLOWED,
                    "Your tenant's policy does not allow target language '" + lang.code() + "'.")
                    .field("targetLanguageCode")
                    .suggestions(allowed)
                    .build();
        }
        // A named language is always locked in, even under UNLOCKED: asking for a tighter token is fine.
        return new LiveSetup.Translation(lang.code(), echo);
    }

    private static int uses(TokenPolicy policy, MintRequest r) {
        if (r.uses() == null) {
            return policy.defaultUses();
        }
        if (r.uses() < 1 || r.uses() > policy.maxUses()) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST,
                    "'uses' must be between 1 and " + policy.maxUses() + " under your tenant's policy.")
                    .field("uses").build();
        }
        return r.uses();
    }
}
