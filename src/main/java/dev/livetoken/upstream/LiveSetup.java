package dev.livetoken.upstream;

import java.util.List;

/**
 * The constraint fields of a Live API setup that this service ever bakes into a token: the
 * translate model, its response modality, optionally a translation target, and transcriptions; or a
 * Live dialogue model locked to a system instruction (interpreter conversations).
 *
 * @param model model name with or without the {@code models/} prefix (the SDKs add it)
 * @param translation the locked target language, or null to leave it to the device
 * @param systemInstruction the instruction of a Live dialogue model (interpreter conversations), or null
 */
public record LiveSetup(
        String model,
        List<String> responseModalities,
        Translation translation,
        boolean inputAudioTranscription,
        boolean outputAudioTranscription,
        String systemInstruction) {

    /** A Live Translate setup: no system instruction. */
    public LiveSetup(
            String model,
            List<String> responseModalities,
            Translation translation,
            boolean inputAudioTranscription,
            boolean outputAudioTranscription) {
        this(model, responseModalities, translation, inputAudioTranscription, outputAudioTranscription, null);
    }

    /** {@code generationConfig.translationConfig} of a Live API setup. */
    public record Translation(String targetLanguageCode, boolean echoTargetLanguage) {}

    public String qualifiedModel() {
        return ModelNames.qualified(model);
    }
}
