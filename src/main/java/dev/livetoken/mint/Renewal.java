package dev.livetoken.mint;

import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.ConversationLink;
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
 * and uses are the policy's defaults of today, as for any mint. A token of a conversation
 * ({@code POST /v1/conversations}) is minted again by the conversation's rules ({@link #pick}): a
 * pair token keeps its direction, an interpreter token its model and two languages (its instruction
 * is today's template for them).
 */
public record Renewal(AuditRecord parent, ConversationLink conversation) {

    /** A renewal of a token minted alone. */
    public Renewal(AuditRecord parent) {
        this(parent, null);
    }

    /**
     * Whether the token belongs to a conversation whose languages its record kept: it is then minted
     * again as the same conversation token (the same direction of a pair, or an interpreter token for
     * the same two languages), through the conversation's rules, and its record joins the conversation.
     */
    public boolean inConversation() {
        return conversation != null && conversation.renewable();
    }

    /** An interpreter token names no target language: its instruction covers both. */
    boolean interpreter() {
        return parent.targetLanguageCode() == null;
    }

    /** The conversation request that gives this token again (today's policy decides the rest). */
    ConversationRequest conversationRequest(Caller caller) {
        return new ConversationRequest(
                conversation.languages(),
                interpreter() ? ConversationRequest.INTERPRETER : ConversationRequest.PAIR,
                onBehalfOf(caller),
                null,
                null);
    }

    /**
     * Of a conversation's planned tokens, the one this renewal replaces: the pair token translating
     * into the renewed token's language, or the interpreter token; refused (403, naming the field)
     * when it would not carry the renewed token's constraints.
     */
    TokenOrder pick(java.util.List<TokenOrder> orders) {
        TokenOrder o = orders.stream()
                .filter(x -> interpreter()
                        || (x.plan().locked()
                                && x.plan().translation().targetLanguageCode().equals(parent.targetLanguageCode())))
                .findFirst()
                .orElseThrow(() -> ProblemException.builder(
                                ProblemType.POLICY_FORBIDS,
                                "Your tenant's policy no longer gives this conversation's token: start a new conversation.")
                        .field("targetLanguageCode")
                        .build());
        requireSame(o.plan().model(), o.locked(), o.plan().translation());
        return o;
    }

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
        String onBehalfOf = onBehalfOf(caller);
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
        requireSame(plan.model(), plan.locked(), plan.translation());
    }

    private String onBehalfOf(Caller caller) {
        return parent.subject().equals(caller.subject()) ? null : parent.subject();
    }

    private void requireSame(
            String planModel, boolean planLocked, dev.livetoken.upstream.LiveSetup.Translation translation) {
        if (!model(planModel).equals(model(parent.model()))) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            "Your tenant's policy no longer gives tokens "
                                    + "for model '" + model(parent.model()) + "' (it now gives '" + model(planModel)
                                    + "'): mint a new token and start a new conversation.")
                    .field("model")
                    .build();
        }
        if (planLocked != parent.locked()) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            parent.locked()
                                    ? "The renewed token was locked to a target language; your tenant's policy no longer gives such a token."
                                    : "The renewed token let the device choose its target language; your tenant's policy now "
                                            + "locks the language: mint a new token.")
                    .field("lockMode")
                    .build();
        }
        if (translation != null
                && (!translation.targetLanguageCode().equals(parent.targetLanguageCode())
                        || !java.util.Objects.equals(translation.echoTargetLanguage(), parent.echoTargetLanguage()))) {
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
