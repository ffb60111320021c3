package dev.livetoken.policy;

/**
 * A tenant's interpreter conversations ({@code POST /v1/conversations} with {@code mode:
 * "interpreter"}, docs/conversations.md): whether they may be minted, on which Live dialogue model,
 * and the instruction template that model is locked to.
 *
 * @param model a Live dialogue model; the platform's {@code livetoken.platform.interpreter.allowed-models} applies
 * @param instructionTemplate the tenant's own template, or null for the platform's
 *        ({@code livetoken.platform.interpreter.default-template}); {@code {first}} and {@code {second}}
 *        stand for the two languages' English names
 */
public record InterpreterPolicy(boolean enabled, String model, String instructionTemplate) {

    /** The Live dialogue model of seed 001 (docs/conversations.md). */
    public static final String DEFAULT_MODEL = "gemini-3.1-flash-live-preview";

    /** What a tenant gets until its policy says otherwise: interpreter conversations off. */
    public static final InterpreterPolicy DEFAULT = new InterpreterPolicy(false, DEFAULT_MODEL, null);
}
