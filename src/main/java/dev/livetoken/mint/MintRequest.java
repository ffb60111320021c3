package dev.livetoken.mint;

/**
 * Body of {@code POST /v1/tokens}; every field is optional.
 *
 * @param onBehalfOf the user a {@code token-broker} mints for
 * @param lifetimeSeconds how long the token should live, up to the policy's maximum
 * @param newSessionWindowSeconds how long it may start new sessions, up to the policy's maximum
 */
public record MintRequest(
        String targetLanguageCode,
        Boolean echoTargetLanguage,
        Integer uses,
        String onBehalfOf,
        Long lifetimeSeconds,
        Long newSessionWindowSeconds) {

    public static final MintRequest EMPTY = new MintRequest(null, null, null, null, null, null);
}
