package dev.livetoken.policy;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The operator's ceilings over interpreter conversations ({@code livetoken.platform.interpreter.*},
 * docs/conversations.md). A tenant policy's {@code interpreterModel} and
 * {@code interpreterInstructionTemplate} stay within them, at write time and again at every mint.
 */
@ConfigMapping(prefix = "livetoken.platform.interpreter")
public interface InterpreterPlatformConfig {

    /** Live dialogue models a policy's {@code interpreterModel} may name. Default: {@code gemini-3.1-flash-live-preview}. */
    @WithDefault(InterpreterPolicy.DEFAULT_MODEL)
    List<String> allowedModels();

    /** Whether a tenant policy may carry its own instruction template. Default true. */
    @WithDefault("true")
    boolean customTemplates();

    /** Longest tenant template, in characters. Default 1000. */
    @WithDefault("1000")
    int maxTemplateLength();

    /**
     * The template of tenants without their own; {@code {first}} and {@code {second}} are replaced by
     * the two languages' English names. Default: the seed's interpreter instruction.
     */
    @WithDefault(InterpreterCeilings.SEED_TEMPLATE)
    String defaultTemplate();
}
