package dev.livetoken.upstream;

import java.util.List;

/**
 * The constraint fields of a Live API setup that this service ever bakes into a token: the
 * translate model, its response modality, optionally a translation target, and transcriptions.
 *
 * @param model model name with or without the {@code models/} prefix (the SDKs add it)
 * @param translation the locked target language, or null to leave it to the device
 */
public record LiveSetup(
        String model,
        List<String> responseModalities,
        Translation translation,
        boolean inputAudioTranscription,
        boolean outputAudioTranscription) {

    /** {@code generationConfig.translationConfig} of a Live API setup. */
    public record Translation(String targetLanguageCode, boolean echoTargetLanguage) {
    }

    public String qualifiedModel() {
        return ModelNames.qualified(model);
    }
}
