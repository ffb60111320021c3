package dev.livetoken.policy;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.livetoken.problem.FieldError;
import dev.livetoken.upstream.ModelNames;

/**
 * Holds interpreter settings to the platform's ceilings ({@link InterpreterPlatformConfig}) and
 * builds the locked system instruction. Checked when a policy is written ({@link PolicyAdmin}) and
 * again at every interpreter mint, so a ceiling lowered later wins over a policy stored before.
 */
@ApplicationScoped
public class InterpreterCeilings {

    /** Seed 001's instruction with the pair left open (docs/conversations.md). */
    public static final String SEED_TEMPLATE = "You are a simultaneous interpreter. Detect the language the speaker "
            + "uses. Interpret {first} into {second} and {second} into {first}, preserving intonation and tone, "
            + "in speech. Do not summarize or add anything; translate only what was said.";

    private final List<String> allowedModels;
    private final boolean customTemplates;
    private final int maxTemplateLength;
    private final String defaultTemplate;

    @Inject
    public InterpreterCeilings(InterpreterPlatformConfig config) {
        this(config.allowedModels(), config.customTemplates(), config.maxTemplateLength(), config.defaultTemplate());
    }

    public InterpreterCeilings(
            List<String> allowedModels, boolean customTemplates, int maxTemplateLength, String defaultTemplate) {
        this.allowedModels = allowedModels.stream().map(ModelNames::comparable).toList();
        this.customTemplates = customTemplates;
        this.maxTemplateLength = maxTemplateLength;
        this.defaultTemplate = defaultTemplate;
        String problem = templateProblem(defaultTemplate);
        if (problem != null) {
            throw new IllegalStateException("livetoken.platform.interpreter.default-template " + problem);
        }
        if (maxTemplateLength < 1) {
            // 0 would refuse every tenant template: that is custom-templates=false, said plainly
            throw new IllegalStateException("livetoken.platform.interpreter.max-template-length must be 1 or more "
                    + "(to allow no tenant templates, set livetoken.platform.interpreter.custom-templates=false)");
        }
    }

    /** The platform's interpreter models ({@code allowed-models}), compared without {@code models/} or case. */
    public List<String> allowedModels() {
        return allowedModels;
    }

    /** Whether a policy may carry its own template ({@code custom-templates}). */
    public boolean customTemplates() {
        return customTemplates;
    }

    /** Longest tenant template, in characters ({@code max-template-length}). */
    public int maxTemplateLength() {
        return maxTemplateLength;
    }

    /** The template of tenants without their own ({@code default-template}). */
    public String defaultTemplate() {
        return defaultTemplate;
    }

    public boolean allowsModel(String model) {
        return model != null && allowedModels.contains(ModelNames.comparable(model));
    }

    /** The policy's interpreter fields beyond the ceilings, each naming its field and property. */
    public List<FieldError> violations(TokenPolicy p) {
        List<FieldError> out = new ArrayList<>();
        InterpreterPolicy i = p.interpreter();
        if (!allowsModel(i.model())) {
            out.add(new FieldError(
                    "interpreterModel",
                    "must be one of " + allowedModels
                            + ", the platform's interpreter models (livetoken.platform.interpreter.allowed-models)"));
        }
        String template = i.instructionTemplate();
        if (template != null) {
            if (!customTemplates) {
                out.add(new FieldError(
                        "interpreterInstructionTemplate",
                        "the platform allows no tenant templates "
                                + "(livetoken.platform.interpreter.custom-templates=false); leave it out"));
            } else if (template.length() > maxTemplateLength) {
                out.add(new FieldError(
                        "interpreterInstructionTemplate",
                        "must be at most " + maxTemplateLength
                                + " characters (livetoken.platform.interpreter.max-template-length)"));
            }
        }
        return out;
    }

    /**
     * Why a mint under this policy must be refused, or null. A template stored before the platform
     * forbade tenant templates is not refused: the platform's template is used instead (see
     * {@link #template}).
     */
    public String refusal(InterpreterPolicy i) {
        if (!allowsModel(i.model())) {
            return "The interpreter model '" + i.model() + "' of this tenant's policy is not among the platform's "
                    + "interpreter models " + allowedModels + ".";
        }
        return null;
    }

    /** The template in force for a policy: the tenant's when the platform allows it, else the platform's. */
    public String template(InterpreterPolicy i) {
        String own = i.instructionTemplate();
        if (own != null && customTemplates && own.length() <= maxTemplateLength) {
            return own;
        }
        return defaultTemplate;
    }

    /** Whether the template in force is the tenant's own. */
    public boolean usesOwnTemplate(InterpreterPolicy i) {
        return template(i) != defaultTemplate;
    }

    /** The instruction for a pair: {@code {first}}/{@code {second}} replaced by the languages' names. */
    public static String instruction(String template, String firstName, String secondName) {
        return template.replace("{first}", firstName).replace("{second}", secondName);
    }

    /** What is wrong with a template (null when nothing): it must name both languages. */
    public static String templateProblem(String template) {
        if (template == null || template.isBlank()) {
            return "must not be blank";
        }
        if (!template.contains("{first}") || !template.contains("{second}")) {
            return "must contain both {first} and {second} (the two languages' names)";
        }
        return null;
    }
}
