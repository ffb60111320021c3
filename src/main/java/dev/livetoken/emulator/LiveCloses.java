package dev.livetoken.emulator;

import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;

/**
 * Close frames of the emulated Live API (live-api-protocol.md §4-5). The codes Google uses for an
 * expired, used-up or out-of-window token are not documented [?]; we follow the protocol notes'
 * recommendation: 1008 for auth, expiry, uses and sessions; 1007 for bad payloads; 1011 internal.
 */
final class LiveCloses {

    record Close(short code, String reason) {
    }

    static final short POLICY = 1008;
    static final short INVALID = 1007;
    static final short INTERNAL = 1011;

    static final Close NO_IDENTITY = new Close(POLICY, "Method doesn't allow unregistered callers (callers "
            + "without established identity). Please use API Key or other form of API consumer identity to call this API.");
    static final Close NOT_FOUND = new Close(POLICY, "Requested entity was not found.");
    static final Close TOKEN_INVALID = new Close(POLICY, "Auth token is not valid.");
    static final Close TOKEN_EXPIRED = new Close(POLICY, "Auth token has expired.");
    static final Close NO_USES_LEFT = new Close(POLICY, "Auth token has no uses left.");
    static final Close NEW_SESSIONS_OVER = new Close(POLICY,
            "Auth token no longer allows new sessions (newSessionExpireTime has passed).");
    static final Close SESSION_NOT_FOUND = new Close(POLICY, "BidiGenerateContent session not found");
    static final Close TIME_LIMIT = new Close(POLICY, "Connection time limit reached; resume the session.");
    static final Close BAD_JSON = new Close(INVALID, "Invalid JSON payload received.");
    static final Close SETUP_FIRST = new Close(INVALID,
            "Request contains an invalid argument: setup must be the first message.");
    static final Close SETUP_TWICE = new Close(INVALID, "Request contains an invalid argument: setup was already sent.");
    static final Close AUDIO_ONLY = new Close(INVALID,
            "Request contains an invalid argument: Live Translate accepts audio input only.");
    /** [emulator decision] the server is stopping: 1001 Going Away (RFC 6455), resume elsewhere. */
    static final Close SHUTTING_DOWN = new Close((short) 1001, "Server is shutting down; resume the session.");
    static final Close INTERNAL_ERROR = new Close(INTERNAL, "Internal error occurred.");

    private LiveCloses() {
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
            end--;          // do not cut a multi-byte character in half
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
