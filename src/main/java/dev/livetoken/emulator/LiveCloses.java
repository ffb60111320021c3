package dev.livetoken.emulator;

import java.nio.charset.StandardCharsets;

import io.vertx.core.http.ServerWebSocket;

/**
 * Close frames of the emulated Live API (docs/live-api-protocol.md §4-5). The codes Google uses for an
 * expired, used-up or out-of-window token are not documented [?]; we follow the protocol notes'
 * recommendation: 1008 for auth, expiry, uses and sessions; 1007 for bad payloads; 1011 internal.
 */
final class LiveCloses {

    record Close(short code, String reason) {}

    static final short POLICY = 1008;
    static final short INVALID = 1007;
    static final short INTERNAL = 1011;

    static final Close NO_IDENTITY = new Close(
            POLICY,
            "Method doesn't allow unregistered callers (callers "
                    + "without established identity). Please use API Key or other form of API consumer identity to call this API.");
    static final Close NOT_FOUND = new Close(POLICY, "Requested entity was not found.");
    static final Close TOKEN_INVALID = new Close(POLICY, "Auth token is not valid.");
    static final Close TOKEN_EXPIRED = new Close(POLICY, "Auth token has expired.");
    static final Close NO_USES_LEFT = new Close(POLICY, "Auth token has no uses left.");
    static final Close NEW_SESSIONS_OVER =
            new Close(POLICY, "Auth token no longer allows new sessions (newSessionExpireTime has passed).");
    static final Close SESSION_NOT_FOUND = new Close(POLICY, "BidiGenerateContent session not found");
    static final Close TIME_LIMIT = new Close(POLICY, "Connection time limit reached; resume the session.");
    static final Close BAD_JSON = new Close(INVALID, "Invalid JSON payload received.");
    static final Close SETUP_FIRST =
            new Close(INVALID, "Request contains an invalid argument: setup must be the first message.");
    static final Close SETUP_TWICE =
            new Close(INVALID, "Request contains an invalid argument: setup was already sent.");
    static final Close AUDIO_ONLY =
            new Close(INVALID, "Request contains an invalid argument: Live Translate accepts audio input only.");
    /** Google's known text for a token passed as an API key (docs/live-api-protocol.md §2). */
    static final Close API_KEY_INVALID = new Close(POLICY, "API key not valid. Please pass a valid API key.");
    /**
     * [emulator decision] an audio-only session past its 15 minutes without context window
     * compression (docs/live-api-protocol.md §5); Google's code and text are unknown.
     */
    static final Close SESSION_LIMIT = new Close(
            POLICY,
            "Session duration limit reached: audio-only sessions " + "last 15 min without contextWindowCompression.");
    /** [emulator decision] the session was resumed on another connection. */
    static final Close SESSION_MOVED = new Close(POLICY, "Session resumed on another connection.");
    /** Google's text for a refused resume while the old socket is open, and for overload (§5, §7). */
    static final Close UNAVAILABLE = new Close(INTERNAL, "The service is currently unavailable.");
    /** After a goAway (docs/live-api-protocol.md §7). */
    static final Close DEADLINE_EXPIRED = new Close(INTERNAL, "Deadline expired before operation could complete.");
    /** Quota or concurrency (docs/live-api-protocol.md §7). */
    static final Close RESOURCE_EXHAUSTED =
            new Close(INTERNAL, "RESOURCE_EXHAUSTED: Maximum concurrent sessions exceeded for this project.");
    /** [emulator decision] the server is stopping: 1001 Going Away (RFC 6455), resume elsewhere. */
    static final Close SHUTTING_DOWN = new Close((short) 1001, "Server is shutting down; resume the session.");
    /** [emulator decision] a setup changing a token's locked system instruction (docs/live-api-protocol.md §10). */
    static final Close LOCKED_INSTRUCTION = new Close(
            INVALID,
            "Request contains an invalid argument: "
                    + "setup.system_instruction is locked by the auth token and cannot be changed.");
    /** [emulator decision] a setup adding tools to a token that locks them empty. */
    static final Close LOCKED_TOOLS = new Close(
            INVALID,
            "Request contains an invalid argument: "
                    + "setup.tools is locked by the auth token and cannot be changed.");

    static final Close INTERNAL_ERROR = new Close(INTERNAL, "Internal error occurred.");

    private LiveCloses() {}

    /** Google's text for an unknown model (docs/live-api-protocol.md §5), cut at 123 bytes as Google cuts it. */
    static Close modelNotFound(String model) {
        return new Close(
                POLICY,
                model + " is not found for API version v1alpha, or is not supported for "
                        + "bidiGenerateContent. Call ListModels to see the list of available models and their supported methods.");
    }

    static Close invalid(String reason) {
        return new Close(INVALID, reason);
    }

    static void close(ServerWebSocket ws, Close c) {
        if (!ws.isClosed()) {
            ws.close(c.code(), truncate(c.reason()));
        }
    }

    /** A close reason fits in 123 bytes of UTF-8 (RFC 6455 §5.5); longer ones are cut, as Google does. */
    static String truncate(String reason) {
        byte[] b = reason.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 123) {
            return reason;
        }
        int end = 123;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // do not cut a multi-byte character in half
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
