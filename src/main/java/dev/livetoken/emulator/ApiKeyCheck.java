package dev.livetoken.emulator;

import java.util.Set;

import io.vertx.ext.web.RoutingContext;

/**
 * Google's API-key check as the emulated REST endpoints answer it (docs/live-api-protocol.md): the
 * key from {@code x-goog-api-key} or {@code ?key=}; none is 403, an ephemeral token 401 (they work
 * only for the Live API), an unknown key 400 {@code API_KEY_INVALID}.
 */
final class ApiKeyCheck {

    private ApiKeyCheck() {}

    /** True when the request may go on; otherwise Google's refusal has been sent. */
    static boolean admit(RoutingContext ctx, Set<String> keys, String ephemeralTokenRefusal) {
        String key = ctx.request().getHeader("x-goog-api-key");
        if (key == null) {
            key = ctx.request().getParam("key");
        }
        if (key == null || key.isBlank()) {
            GoogleError.send(
                    ctx,
                    403,
                    "PERMISSION_DENIED",
                    "Method doesn't allow unregistered callers "
                            + "(callers without established identity). Please use API Key or other form of API "
                            + "consumer identity to call this API.");
            return false;
        }
        if (key.startsWith("auth_tokens/")) {
            GoogleError.send(ctx, 401, "UNAUTHENTICATED", ephemeralTokenRefusal);
            return false;
        }
        if (!keys.contains(key)) {
            GoogleError.send(
                    ctx,
                    400,
                    "INVALID_ARGUMENT",
                    "API Key not found. Please pass a valid API key.",
                    GoogleError.errorInfo("API_KEY_INVALID"));
            return false;
        }
        return true;
    }
}
