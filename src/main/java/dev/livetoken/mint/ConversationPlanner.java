package dev.livetoken.mint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.auth.Caller;
import dev.livetoken.languages.Language;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.InterpreterCeilings;
import dev.livetoken.policy.InterpreterPolicy;
import dev.livetoken.policy.LockMode;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.LiveSetup;

/**
 * Decides a conversation's tokens (docs/conversations.md), or why there are none, rule by rule.
 * Pure like {@link MintPlanner}, which plans each token; this adds the conversation's own rules:
 * the pair of languages, the mode, and the interpreter's locked instruction.
 */
@ApplicationScoped
public class ConversationPlanner {

    /** Tools are locked empty on an interpreter token: the session cannot become a general assistant. */
    static final List<String> INTERPRETER_LOCKED = List.of("tools");

    private final MintPlanner planner;
    private final LanguageCatalog languages;
    private final InterpreterCeilings interpreter;

    public ConversationPlanner(MintPlanner planner, LanguageCatalog languages, InterpreterCeilings interpreter) {
        this.planner = planner;
        this.languages = languages;
        this.interpreter = interpreter;
    }

    /** The pair of languages and the mode, checked for shape; policy rules come in {@link #plan}. */
    public record Shape(List<Language> pair, String mode) {}

    /** Checks the body's shape: 400 naming the field for anything malformed. */
    public Shape shape(ConversationRequest r) {
        if (r == null) {
            throw invalid("The body must be a JSON object with 'languages'.", "languages");
        }
        if (r.languages() == null || r.languages().size() != 2) {
            throw invalid("'languages' must list exactly two language codes, e.g. [\"en\", \"ja\"].", "languages");
        }
        List<Language> pair = new ArrayList<>(2);
        for (int i = 0; i < 2; i++) {
            String code = r.languages().get(i);
            if (code == null || code.isBlank()) {
                throw invalid("'languages[" + i + "]' must be a language code.", "languages[" + i + "]");
            }
            pair.add(languages.require(code, "languages[" + i + "]"));
        }
        if (pair.get(0).code().equals(pair.get(1).code())) {
            throw invalid(
                    "'languages' must name two different languages (both are '"
                            + pair.get(0).code() + "').",
                    "languages[1]");
        }
        String mode = r.mode() == null ? ConversationRequest.PAIR : r.mode().toLowerCase(Locale.ROOT);
        if (!mode.equals(ConversationRequest.PAIR) && !mode.equals(ConversationRequest.INTERPRETER)) {
            throw invalid("'mode' must be 'pair' or 'interpreter'.", "mode");
        }
        return new Shape(List.copyOf(pair), mode);
    }

    /** The conversation's tokens under the caller's effective policy, or a problem saying why not. */
    public List<TokenOrder> plan(
            Caller caller, EffectivePolicy effective, ConversationRequest r, Shape shape, Instant now) {
        TokenPolicy policy = effective.policy();
        for (int i = 0; i < 2; i++) {
            String code = shape.pair().get(i).code();
            if (!policy.allowsLanguage(code)) {
                throw ProblemException.builder(
                                ProblemType.LANGUAGE_NOT_ALLOWED,
                                "Your tenant's policy does not allow language '" + code + "'.")
                        .field("languages[" + i + "]")
                        .suggestions(policy.allowedTargetLanguages().stream()
                                .sorted()
                                .toList())
                        .build();
            }
        }
        return shape.mode().equals(ConversationRequest.PAIR)
                ? pair(caller, effective, r, shape, now)
                : List.of(interpreter(caller, effective, r, shape, now));
    }

    /**
     * Two Live Translate tokens, each locked to the other person's language with echo off, so each
     * session stays quiet while someone already speaks its target. Locked even under an UNLOCKED
     * policy: the request names both languages, and a tighter token is always allowed (as for a
     * single mint naming its target).
     */
    private List<TokenOrder> pair(
            Caller caller, EffectivePolicy effective, ConversationRequest r, Shape shape, Instant now) {
        List<TokenOrder> out = new ArrayList<>(2);
        for (int i = 0; i < 2; i++) {
            Language target = shape.pair().get(1 - i);
            MintPlan plan = planner.plan(
                    caller,
                    effective,
                    new MintRequest(
                            target.code(),
                            false,
                            null,
                            r.onBehalfOf(),
                            r.lifetimeSeconds(),
                            r.newSessionWindowSeconds()),
                    now);
            List<MintPlan.Decision> why = new ArrayList<>(plan.decisions());
            why.add(new MintPlan.Decision(
                    "conversation",
                    "pair token " + (i + 1) + ": " + shape.pair().get(i).code() + " → " + target.code(),
                    "request.languages, mode pair"
                            + (effective.policy().lockMode() == LockMode.UNLOCKED
                                    ? " (locked although policy.lockMode is UNLOCKED: the request names the language)"
                                    : "")));
            why.add(new MintPlan.Decision(
                    "echoTargetLanguage",
                    "false",
                    "pair mode: a session stays quiet while its target language is spoken"));
            out.add(TokenOrder.translate(withDecisions(plan, plan.model(), plan.translation(), why)));
        }
        return out;
    }

    /** One token for a Live dialogue model locked to the interpreter instruction for the pair. */
    private TokenOrder interpreter(
            Caller caller, EffectivePolicy effective, ConversationRequest r, Shape shape, Instant now) {
        InterpreterPolicy ip = effective.policy().interpreter();
        if (!ip.enabled()) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            "Interpreter conversations are not enabled " + "for tenant '" + caller.tenant()
                                    + "' (policy.interpreterEnabled).")
                    .field("mode")
                    .build();
        }
        String refusal = interpreter.refusal(ip);
        if (refusal != null) {
            throw ProblemException.builder(
                            ProblemType.POLICY_FORBIDS,
                            refusal + " Ask your platform operator to update the tenant's policy.")
                    .field("mode")
                    .build();
        }
        // The first language is asked for only to reuse the single mint's rules (subject, uses, windows).
        MintPlan base = planner.plan(
                caller,
                effective,
                new MintRequest(
                        shape.pair().get(0).code(),
                        null,
                        null,
                        r.onBehalfOf(),
                        r.lifetimeSeconds(),
                        r.newSessionWindowSeconds()),
                now);
        List<MintPlan.Decision> why = new ArrayList<>();
        for (MintPlan.Decision d : base.decisions()) {
            if (!d.part().equals("targetLanguageCode")
                    && !d.part().equals("echoTargetLanguage")
                    && !d.part().equals("model")) {
                why.add(d);
            }
        }
        why.add(new MintPlan.Decision(
                "model",
                ip.model(),
                "policy.interpreterModel (on the platform's " + "livetoken.platform.interpreter.allowed-models)"));
        String template = interpreter.template(ip);
        String instruction = InterpreterCeilings.instruction(
                template, shape.pair().get(0).name(), shape.pair().get(1).name());
        why.add(new MintPlan.Decision(
                "systemInstruction",
                instruction,
                interpreter.usesOwnTemplate(ip)
                        ? "policy.interpreterInstructionTemplate for "
                                + shape.pair().get(0).code() + "/"
                                + shape.pair().get(1).code()
                        : "the platform's template (livetoken.platform.interpreter.default-template) for "
                                + shape.pair().get(0).code() + "/"
                                + shape.pair().get(1).code()
                                + (ip.instructionTemplate() != null
                                        ? "; the tenant's own is not allowed by the platform"
                                        : "")));
        why.add(new MintPlan.Decision("tools", "[] (locked)", "interpreter mode: the session cannot call tools"));
        why.add(new MintPlan.Decision(
                "responseModalities", "AUDIO, with input and output transcription", "interpreter mode"));
        MintPlan plan = withDecisions(base, ip.model(), null, why);
        LiveSetup setup = new LiveSetup(ip.model(), MintService.RESPONSE_MODALITIES, null, true, true, instruction);
        return new TokenOrder(plan, setup, INTERPRETER_LOCKED);
    }

    private static MintPlan withDecisions(
            MintPlan p, String model, LiveSetup.Translation translation, List<MintPlan.Decision> why) {
        return new MintPlan(
                p.tenant(),
                p.subject(),
                p.actor(),
                model,
                translation,
                p.uses(),
                p.serverTime(),
                p.expireTime(),
                p.newSessionExpireTime(),
                p.policyTenant(),
                p.policyVersion(),
                List.copyOf(why));
    }

    private static ProblemException invalid(String detail, String field) {
        return ProblemException.builder(ProblemType.INVALID_REQUEST, detail)
                .field(field)
                .build();
    }
}
