package dev.livetoken.translate;

/** The body of {@code POST /v1/translations}: the text and the language to translate it to. */
public record TranslationRequest(String text, String targetLanguageCode, String sourceLanguageCode) {}
