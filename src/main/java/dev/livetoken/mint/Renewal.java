package dev.livetoken.mint;

import dev.livetoken.audit.AuditRecord;
import dev.livetoken.auth.Caller;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * A renewal ({@code POST /v1/tokens/renew}): the audit record of the token being renewed, who may
 * renew it, the mint request that asks for the same constraints, and the check that the new plan
 * really carries them. Pure: tested directly.
 * <p>
 * The constraints carried over are those a device's conversation depends on: the model, the lock
 * mode, and for a locked token its target language and echo setting. Lifetime, new-session window
 * and uses are the policy's defaults of today, as for any mint.
 */
public record Renewal(AuditRecord parent) {

    /**
     * Whether {@code caller} may renew the token of record {@code r}: a token minted for the
     * caller, or, for a {@code token-broker}, one minted for any user of its own tenant. Anything
     * else is answered exactly like an unknown token (404), so nobody learns whose a token is.
     */
    public static boolean mayRenew(Caller caller, AuditRecord r) {
        if (!r.tenantId().equals(caller.tenant())) {
            return false;
        }
        return r.subject().equals(caller.subject()) || caller.isTokenBroker();
    }

    /** The mint request for the same constraints, for the same user (a broker renews on the user's behalf). */
    MintRequest request(Caller caller) {
        String onBehalfOf = parent.subject().equals(caller.subject()) ? null : parent.subject();
        String language = parent.locked() ? parent.targetLanguageCode() : null;
        Boolean echo = parent.locked() ? parent.echoTargetLanguage() : null;
        return new MintRequest(language, echo, null, onBehalfOf, null, null);
    }

    /**
     * Refuses (403, naming the field) a plan that would change what the renewed token allowed.
     * The language and echo setting are checked by the planner itself when it reads the request
     * ({@code language-not-allowed} or {@code policy-forbids} naming the field); the model and
     * the lock mode come from the policy alone and are checked here.
     */
    void requireSameConstraints(MintPlan plan) {
        if (!model(plan.model()).equals(model(parent.model()))) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            "Your tenant's policy no longer gives tokens "
                                    + "for model '" + model(parent.model()) + "' (it now gives '" + model(plan.model())
                                    + "'): mint a new token and start a new conversation.")
                    .field("model")
                    .build();
        }
        if (plan.locked() != parent.locked()) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            parent.locked()
                                    ? "The renewed token was locked to a target language; your tenant's policy no longer gives such a token."
                                    : "The renewed token let the device choose its target language; your tenant's policy now "
                                            + "locks the language: mint a new token.")
                    .field("lockMode")
                    .build();
        }
        if (plan.locked()
                && (!plan.translation().targetLanguageCode().equals(parent.targetLanguageCode())
                        || !java.util.Objects.equals(
                                plan.translation().echoTargetLanguage(), parent.echoTargetLanguage()))) {
            // the planner honours a named language and echo or refuses them; this guards that promise
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            "Your tenant's policy no longer gives a token with the renewed token's translation settings.")
                    .field("targetLanguageCode")
                    .build();
        }
    }

    private static String model(String m) {
        return m.startsWith("models/") ? m : "models/" + m;
    }
}
