package dev.livetoken.mint;

/**
 * Body of {@code POST /v1/tokens}; every field is optional.
 *
 * @param onBehalfOf the user a {@code token-broker} mints for
 */
public record MintRequest(String targetLanguageCode, Boolean echoTargetLanguage, Integer uses, String onBehalfOf) {

    public static final MintRequest EMPTY = new MintRequest(null, null, null, null);
}
