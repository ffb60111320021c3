package dev.livetoken.client;

/**
 * A token from the Live Token Service ({@code POST /v1/tokens}), or one the user supplied.
 *
 * @param token the whole {@code auth_tokens/…} credential; never print it
 * @param locked false when the device must choose the target language itself
 * @param targetLanguageCode the locked language, or null when unlocked
 */
public record MintedToken(
        String token,
        String websocketUrl,
        boolean locked,
        String targetLanguageCode,
        Boolean echoTargetLanguage,
        String model,
        String expireTime) {

    @Override
    public String toString() {
        return "MintedToken[websocketUrl=" + websocketUrl + ", locked=" + locked + ", target=" + targetLanguageCode
                + ", model=" + model + ", expireTime=" + expireTime + "]";
    }
}
