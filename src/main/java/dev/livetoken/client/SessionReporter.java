package dev.livetoken.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The session reports of one run ({@code POST /v1/sessions}): one per token the run used, since the
 * service checks each report against its token (a session cannot start before its token was minted
 * nor outlast it). A renewal ends one report and starts the next. Counts the audio actually sent
 * (replays after a resumption are not counted again) and received. Thread-safe.
 */
final class SessionReporter {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bytes per second of 16 kHz and 24 kHz mono PCM16. */
    private static final double IN_RATE = 32_000.0;

    private static final double OUT_RATE = 48_000.0;

    private record Segment(
            String token, Instant started, long sentAtStart, long receivedAtStart, int resumptionsAtStart) {}

    private final List<ObjectNode> reports = new ArrayList<>();
    private long sent;
    private long received;
    /** Where the previous report's counts ended: audio sent while a renewal runs counts in the next one. */
    private long boundarySent;

    private long boundaryReceived;
    private Instant boundaryTime;
    private Segment current;

    /**
     * A token starts being used. The first report starts now; a later one where the previous one
     * ended (the renewal's own time belongs to the conversation, and what the new session hears
     * first is what the old one had not confirmed), which the service allows within its clock skew.
     */
    synchronized void start(String token, int resumptions) {
        current = new Segment(
                token,
                boundaryTime == null ? Instant.now() : boundaryTime,
                boundarySent,
                boundaryReceived,
                resumptions);
    }

    synchronized void sent(int bytes) {
        sent += bytes;
    }

    synchronized void received(int bytes) {
        received += bytes;
    }

    /**
     * The current token's part ends now, with this close (1000 when the client closed normally).
     * {@code resumptions} counts the resumptions of the run so far (not the new sessions).
     */
    synchronized void end(int resumptions, int closeCode, String closeReason, LiveTranslateSession.Usage usage) {
        Segment s = current;
        if (s == null) {
            return;
        }
        current = null;
        boundarySent = sent;
        boundaryReceived = received;
        Instant ended = Instant.now();
        boundaryTime = ended;
        ObjectNode r = JSON.createObjectNode();
        r.put("sessionId", UUID.randomUUID().toString());
        r.put("token", s.token());
        r.put("startedAt", s.started().toString());
        r.put("endedAt", ended.toString());
        // as measured: streamed faster than real time (--speed), it exceeds the session's length and
        // the service refuses the report, as it should
        r.put("audioSecondsSent", (sent - s.sentAtStart()) / IN_RATE);
        r.put("audioSecondsReceived", (received - s.receivedAtStart()) / OUT_RATE);
        r.put("resumptions", Math.max(0, resumptions - s.resumptionsAtStart()));
        r.put("closeCode", closeCode);
        if (closeReason != null && !closeReason.isEmpty()) {
            r.put("closeReason", truncate(closeReason));
        }
        if (usage != null && usage.totalTokenCount() > 0) {
            r.putObject("usage")
                    .put("promptTokenCount", usage.promptTokenCount())
                    .put("responseTokenCount", usage.responseTokenCount())
                    .put("totalTokenCount", usage.totalTokenCount());
        }
        reports.add(r);
    }

    /** Every report so far; each holds its token: never print them. */
    synchronized List<ObjectNode> reports() {
        return List.copyOf(reports);
    }

    /** A WebSocket close reason is at most 123 bytes of UTF-8; cut on a character boundary. */
    static String truncate(String reason) {
        StringBuilder b = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes + n > 123) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.toString();
    }
}
