package dev.livetoken.mint;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.Subjects;
import dev.livetoken.languages.Language;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.LockMode;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.LiveSetup;

/**
 * Decides what token a request gets under a policy, or why it gets none, and records which rule
 * decided each part. Pure: no I/O, no clock of its own, so every rule is tested directly.
 */
@ApplicationScoped
public class MintPlanner {

    private final LanguageCatalog languages;

    public MintPlanner(LanguageCatalog languages) {
        this.languages = languages;
    }

    /** For tests and callers that hold a bare policy: as if it were the tenant's own, nobody blocked. */
    public MintPlan plan(Caller caller, TokenPolicy policy, MintRequest request, Instant now) {
        return plan(caller, new EffectivePolicy(policy, "tenant", java.util.Set.of()), request, now);
    }

    public MintPlan plan(Caller caller, EffectivePolicy effective, MintRequest request, Instant now) {
        TokenPolicy policy = effective.policy();
        MintRequest r = request == null ? MintRequest.EMPTY : request;
        List<MintPlan.Decision> why = new ArrayList<>(8);
        String source = effective.source().equals("tenant")
                ? "tenant '" + caller.tenant() + "' policy"
                : "the default policy (tenant '" + caller.tenant() + "' has none)";
        why.add(new MintPlan.Decision("policy", policy.tenantId() + " v" + policy.version(), "from " + source));
        for (var clamp : effective.clamps()) {
            why.add(new MintPlan.Decision(
                    "policy." + clamp.field(),
                    clamp.applied(),
                    "held to the platform's ceiling " + clamp.property() + " (the stored policy says " + clamp.policy()
                            + ")"));
        }
        String subject = subject(caller, r, why);
        if (effective.tenantBlocked()) {
            throw ProblemException.of(
                    ProblemType.BLOCKED, "Minting is blocked for tenant '" + caller.tenant() + "' by an operator.");
        }
        if (effective.blocks(subject)) {
            throw ProblemException.of(ProblemType.BLOCKED, "Minting is blocked for this user by an operator.");
        }
        if (!policy.enabled()) {
            throw ProblemException.of(
                    ProblemType.POLICY_FORBIDS, "Token minting is disabled for tenant '" + caller.tenant() + "'.");
        }
        if (effective.platformRefusal() != null) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            effective.platformRefusal() + " Ask your platform operator to update the tenant's policy.")
                    .field("model")
                    .build();
        }
        why.add(new MintPlan.Decision("model", policy.model(), "policy.model"));
        LiveSetup.Translation translation = translation(policy, r, why);
        int uses = uses(policy, r, why);
        Instant serverTime = now.truncatedTo(ChronoUnit.MILLIS);
        Duration lifetime = window(
                "lifetimeSeconds",
                r.lifetimeSeconds(),
                policy.tokenLifetime(),
                policy.maxTokenLifetime(),
                "tokenLifetimeSeconds",
                why);
        Duration newSession = window(
                "newSessionWindowSeconds",
                r.newSessionWindowSeconds(),
                policy.newSessionWindow(),
                policy.maxNewSessionWindow(),
                "newSessionWindowSeconds",
                why);
        Instant expire = serverTime.plus(lifetime);
        Instant newSessionEnd = serverTime.plus(newSession);
        if (newSessionEnd.isAfter(expire)) {
            newSessionEnd = expire;
            why.add(new MintPlan.Decision(
                    "newSessionExpireTime", "= expireTime", "a token cannot start sessions after it expires"));
        }
        return new MintPlan(
                caller.tenant(),
                subject,
                caller.subject(),
                policy.model(),
                translation,
                uses,
                serverTime,
                expire,
                newSessionEnd,
                policy.tenantId(),
                policy.version(),
                List.copyOf(why));
    }

    private static String subject(Caller caller, MintRequest r, List<MintPlan.Decision> why) {
        if (r.onBehalfOf() == null) {
            why.add(new MintPlan.Decision("subject", caller.subject(), "the caller's JWT subject"));
            return caller.subject();
        }
        if (!caller.isTokenBroker()) {
            throw ProblemException.builder(
                            ProblemType.FORBIDDEN, "Only a token-broker may mint on behalf of another user.")
                    .field("onBehalfOf")
                    .build();
        }
        if (!Subjects.isAcceptable(r.onBehalfOf())) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'onBehalfOf' " + Subjects.RULE + ".")
                    .field("onBehalfOf")
                    .build();
        }
        why.add(new MintPlan.Decision(
                "subject",
                r.onBehalfOf(),
                "request.onBehalfOf (caller holds token-broker); limits and audit apply to this user"));
        return r.onBehalfOf();
    }

    private LiveSetup.Translation translation(TokenPolicy policy, MintRequest r, List<MintPlan.Decision> why) {
        boolean echo = policy.echoTargetLanguage();
        String echoRule = "policy.echoTargetLanguage";
        if (r.echoTargetLanguage() != null && r.echoTargetLanguage() != echo) {
            if (!policy.echoOverridable()) {
                throw ProblemException.builder(
                                ProblemType.POLICY_FORBIDS,
                                "Your tenant's policy fixes echoTargetLanguage to " + echo + ".")
                        .field("echoTargetLanguage")
                        .build();
            }
            echo = r.echoTargetLanguage();
            echoRule = "request.echoTargetLanguage (policy.echoOverridable)";
        }
        if (r.targetLanguageCode() == null) {
            if (policy.lockMode() == LockMode.UNLOCKED) {
                why.add(new MintPlan.Decision(
                        "translationConfig",
                        "unlocked",
                        "policy.lockMode UNLOCKED and no request.targetLanguageCode: the device chooses"));
                return null;
            }
            why.add(new MintPlan.Decision(
                    "targetLanguageCode",
                    policy.defaultTargetLanguage(),
                    "policy.defaultTargetLanguage (LOCKED, none requested)"));
            why.add(new MintPlan.Decision("echoTargetLanguage", String.valueOf(echo), echoRule));
            return new LiveSetup.Translation(policy.defaultTargetLanguage(), echo);
        }
        Language lang = languages.require(r.targetLanguageCode(), "targetLanguageCode");
        if (!policy.allowsLanguage(lang.code())) {
            List<String> allowed =
                    policy.allowedTargetLanguages().stream().sorted().toList();
            throw ProblemException.builder(
                            ProblemType.LANGUAGE_NOT_ALLOWED,
                            "Your tenant's policy does not allow target language '" + lang.code() + "'.")
                    .field("targetLanguageCode")
                    .suggestions(allowed)
                    .build();
        }
        // A named language is always locked in, even under UNLOCKED: asking for a tighter token is fine.
        why.add(new MintPlan.Decision(
                "targetLanguageCode",
                lang.code(),
                "request.targetLanguageCode, "
                        + (policy.allowedTargetLanguages().isEmpty()
                                ? "any supported language allowed"
                                : "in policy.allowedTargetLanguages")));
        why.add(new MintPlan.Decision("echoTargetLanguage", String.valueOf(echo), echoRule));
        return new LiveSetup.Translation(lang.code(), echo);
    }

    private static int uses(TokenPolicy policy, MintRequest r, List<MintPlan.Decision> why) {
        if (r.uses() == null) {
            why.add(new MintPlan.Decision("uses", String.valueOf(policy.defaultUses()), "policy.defaultUses"));
            return policy.defaultUses();
        }
        if (r.uses() < 1 || r.uses() > policy.maxUses()) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "'uses' must be between 1 and " + policy.maxUses() + " under your tenant's policy.")
                    .field("uses")
                    .build();
        }
        why.add(new MintPlan.Decision(
                "uses", String.valueOf(r.uses()), "request.uses (at most policy.maxUses " + policy.maxUses() + ")"));
        return r.uses();
    }

    private static Duration window(
            String field,
            Long requested,
            Duration dflt,
            Duration max,
            String policyField,
            List<MintPlan.Decision> why) {
        if (requested == null) {
            why.add(new MintPlan.Decision(field, String.valueOf(dflt.toSeconds()), "policy." + policyField));
            return dflt;
        }
        if (requested < 1 || requested > max.toSeconds()) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "'" + field + "' must be between 1 and " + max.toSeconds() + " under your tenant's policy.")
                    .field(field)
                    .build();
        }
        why.add(new MintPlan.Decision(
                field, String.valueOf(requested), "request." + field + " (at most " + max.toSeconds() + ")"));
        return Duration.ofSeconds(requested);
    }
}
