package dev.livetoken.doctor;

import java.util.List;
import java.util.Locale;
import java.util.function.BiPredicate;

/**
 * What a Live API close means, in one table: the token doctor's findings. Built from
 * docs/live-api-protocol.md §5 and §7 (Google's reported closes) and the emulator's closes, which
 * follow them; the codes are stable and documented in the README with their fixes.
 * {@link TokenDoctorTest} checks every row against a real emulator close.
 */
public final class CloseDictionary {

    /** One finding: a stable code, what it means, and what to do. */
    public record Finding(String code, String summary, String fix) {}

    /** A row: when it applies (close code, lower-cased reason), and the finding. */
    record Row(BiPredicate<Integer, String> applies, Finding finding) {}

    public static final String TOKEN_EXPIRED = "token-expired";
    public static final String NEW_SESSION_WINDOW_CLOSED = "new-session-window-closed";
    public static final String USES_EXHAUSTED = "uses-exhausted";
    public static final String LOCKED_FIELD_CONFLICT = "locked-field-conflict";
    public static final String WRONG_ENDPOINT = "wrong-endpoint";
    public static final String WRONG_MODEL = "wrong-model";
    public static final String INVALID_ARGUMENT = "invalid-argument";
    public static final String QUOTA_OR_OVERLOAD = "quota-or-overload";
    public static final String DEADLINE_EXPIRED = "deadline-expired";
    public static final String NETWORK = "network";
    public static final String UNKNOWN = "unknown";

    static final Finding EXPIRED = new Finding(
            TOKEN_EXPIRED,
            "The token is past its expireTime: Google rejects every message and closes its sessions (1008).",
            "Get a new token (POST /v1/tokens) and start a new session; plan refreshes from expiresInSeconds.");
    static final Finding WINDOW_CLOSED = new Finding(
            NEW_SESSION_WINDOW_CLOSED,
            "The token's newSessionExpireTime has passed: it can no longer start new sessions (1008).",
            "Open the session sooner after minting, ask for a longer newSessionWindowSeconds, or get a new token.");
    static final Finding USES = new Finding(
            USES_EXHAUSTED,
            "The token has started as many sessions as its uses allow (1008 \"Auth token has no uses left.\").",
            "Resume with the latest sessionResumption handle (resuming spends no use), or get a new token.");
    static final Finding LOCKED = new Finding(
            LOCKED_FIELD_CONFLICT,
            "The client's setup sets a field the token locks; Google uses the token's value, and an invalid "
                    + "value in the client's copy is still refused (1007).",
            "Leave locked fields (lockedFields) out of the setup message; the token supplies them.");
    static final Finding ENDPOINT = new Finding(
            WRONG_ENDPOINT,
            "The connection did not reach the token's endpoint: ephemeral tokens work only on "
                    + "BidiGenerateContentConstrained of the token's API version, passed as ?access_token= or "
                    + "'Authorization: Token', not as an API key (1008).",
            "Connect to the websocketUrl the token came with: …v1alpha.GenerativeService."
                    + "BidiGenerateContentConstrained?access_token=<token>.");
    static final Finding MODEL = new Finding(
            WRONG_MODEL,
            "The model in the setup is not one the Live API serves for this API version (1008 \"… is not found "
                    + "for API version …\").",
            "Use the token's model (models/gemini-3.5-live-translate-preview) or leave the model to the token.");
    static final Finding INVALID = new Finding(
            INVALID_ARGUMENT,
            "Google refused a message as an invalid argument (1007): bad JSON, an unknown or misplaced field, "
                    + "a wrong value, or something Live Translate does not take (text, tools).",
            "Fix the message the close reason names; translationConfig goes inside generationConfig, "
                    + "transcription configs beside it.");
    static final Finding QUOTA = new Finding(
            QUOTA_OR_OVERLOAD,
            "Quota, concurrency or overload (1011 RESOURCE_EXHAUSTED or \"The service is currently "
                    + "unavailable\", or HTTP 429 on the upgrade).",
            "Retry with exponential backoff and jitter; close old sockets before resuming; ask for more "
                    + "quota if it persists.");
    static final Finding DEADLINE = new Finding(
            DEADLINE_EXPIRED,
            "The connection ended at its time limit (1011 \"Deadline expired before operation could "
                    + "complete.\", usually after goAway).",
            "Resume the session with the latest handle and the same token; no use is spent.");
    static final Finding NET = new Finding(
            NETWORK,
            "The connection dropped without a close frame (1006): network trouble, a proxy, or an HTTP error "
                    + "on the upgrade that a browser cannot show.",
            "Resume with the latest handle after a short backoff; check proxies and connectivity.");
    static final Finding UNKNOWN_CLOSE = new Finding(
            UNKNOWN,
            "This close is not one the doctor knows.",
            "Check the close code and reason against docs/live-api-protocol.md §5; resume if the session "
                    + "should go on.");

    /** First matching row wins; a close matches at most one row (plus the token-state findings). */
    static final List<Row> ROWS = List.of(
            new Row((c, r) -> c == 1008 && r.contains("expired"), EXPIRED),
            new Row((c, r) -> c == 1008 && r.contains("no longer allows new sessions"), WINDOW_CLOSED),
            new Row((c, r) -> c == 1008 && r.contains("no uses left"), USES),
            new Row((c, r) -> c == 1008 && r.contains("is not found for api version"), MODEL),
            new Row(
                    (c, r) -> c == 1008
                            && (r.contains("unregistered callers")
                                    || r.contains("requested entity was not found")
                                    || r.contains("api key not valid")
                                    || r.contains("auth token is not valid")),
                    ENDPOINT),
            new Row((c, r) -> c == 1007, INVALID),
            new Row((c, r) -> c == 1011 && r.contains("deadline expired"), DEADLINE),
            new Row(
                    (c, r) -> (c == 1011
                                    && (r.contains("resource_exhausted")
                                            || r.contains("unavailable")
                                            || r.contains("overload")
                                            || r.contains("quota")))
                            || (c == 1006 && r.contains("429")),
                    QUOTA),
            new Row((c, r) -> c == 1006, NET));

    private CloseDictionary() {}

    /** The finding for a close, or {@link #UNKNOWN_CLOSE}. */
    public static Finding of(int code, String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        for (Row row : ROWS) {
            if (row.applies().test(code, r)) {
                return row.finding();
            }
        }
        return UNKNOWN_CLOSE;
    }
}
