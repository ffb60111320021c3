package dev.livetoken.mint;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.livetoken.upstream.LiveSetup;

/**
 * The answer to a mint. {@code expiresInSeconds} and {@code serverTime} let a device whose clock
 * is off still plan its refresh. {@code translationConfig} is null when the token is unlocked.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record MintResponse(
        String token,
        String expireTime,
        String newSessionExpireTime,
        long expiresInSeconds,
        String serverTime,
        int uses,
        String model,
        String apiVersion,
        String websocketUrl,
        boolean locked,
        LiveSetup.Translation translationConfig) {

    @Override
    public String toString() {
        // The token is a credential: keep it out of any accidental log line.
        return "MintResponse[expireTime=" + expireTime + ", uses=" + uses + ", locked=" + locked + "]";
    }
}
