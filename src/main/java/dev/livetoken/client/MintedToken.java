package dev.livetoken.client;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A token from the Live Token Service ({@code POST /v1/tokens}), or one the user supplied.
 *
 * @param token the whole {@code auth_tokens/…} credential; never print it
 * @param locked false when the device must choose the target language itself
 * @param targetLanguageCode the locked language, or null when unlocked
 * @param expireTime the token's {@code expireTime} (RFC 3339), or null when unknown
 * @param serverTime the service's clock when it minted the token, or null when unknown
 */
public record MintedToken(
        String token,
        String websocketUrl,
        boolean locked,
        String targetLanguageCode,
        Boolean echoTargetLanguage,
        String model,
        String expireTime,
        String serverTime) {

    /** A token whose mint time is unknown (one the user supplied, or a test's). */
    public MintedToken(
            String token,
            String websocketUrl,
            boolean locked,
            String targetLanguageCode,
            Boolean echoTargetLanguage,
            String model,
            String expireTime) {
        this(token, websocketUrl, locked, targetLanguageCode, echoTargetLanguage, model, expireTime, null);
    }

    /**
     * How long the token lived when the service answered: {@code expireTime − serverTime}, both from
     * the service's clock, so a device clock that is off does not matter. Null when either is unknown.
     */
    public Duration lifetime() {
        if (expireTime == null || serverTime == null) {
            return null;
        }
        try {
            return Duration.between(Instant.parse(serverTime), Instant.parse(expireTime));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "MintedToken[websocketUrl=" + websocketUrl + ", locked=" + locked + ", target=" + targetLanguageCode
                + ", model=" + model + ", expireTime=" + expireTime + "]";
    }
}
