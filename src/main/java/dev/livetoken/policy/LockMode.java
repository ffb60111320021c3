package dev.livetoken.policy;

/** Whether a tenant's tokens carry their target language (LOCKED) or let the device choose it. */
public enum LockMode {
    /** The service picks the target language and bakes it into the token. */
    LOCKED,
    /** The token locks model, modality and transcription only; the device sends its own translationConfig. */
    UNLOCKED
}
