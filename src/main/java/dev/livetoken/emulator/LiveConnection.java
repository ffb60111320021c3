package dev.livetoken.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One emulated Live API connection. All callbacks run on the socket's Vert.x context, so the state
 * needs no locking. Closes with a code and reason on any protocol violation, as Google does.
 */
final class LiveConnection {

    private static final Logger LOG = Logger.getLogger(LiveConnection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CLIENT_MESSAGES = Set.of("setup", "clientContent", "realtimeInput", "toolResponse");
    private static final Set<String> REALTIME_FIELDS = Set.of(
            "audio", "audioStreamEnd", "activityStart", "activityEnd", "video", "text", "mediaChunks");
    private static final Set<String> BLOB_FIELDS = Set.of("mimeType", "data");
    /** Seconds of input between two transcript pairs. */
    private static final double TRANSCRIPT_EVERY_SECONDS = 1.0;
    /** Audio messages between two resumption updates (once goAway is sent: after every message). */
    private static final int UPDATE_EVERY_MESSAGES = 10;

    private final LiveApiEmulator owner;
    private final ServerWebSocket ws;
    private final String tokenName;
    private final EmulatedToken token;
    private final long[] timers = new long[3];

    private io.vertx.core.Context context;
    private ResumptionHandles.Session session;
    private ObjectNode effective;
    private boolean resumable;
    private boolean goAwayDue;
    private boolean goAwaySent;
    private long clientIndex = -1;
    private int audioSinceUpdate;
    private long promptTokens;
    private long responseTokens;

    LiveConnection(LiveApiEmulator owner, ServerWebSocket ws, String tokenName, EmulatedToken token) {
        this.owner = owner;
        this.ws = ws;
        this.tokenName = tokenName;
        this.token = token;
    }

    void start() {
        context = owner.vertx.getOrCreateContext();
        owner.opened(this);
        ws.textMessageHandler(this::onMessage);
        ws.binaryMessageHandler((Buffer b) -> onMessage(b.toString(java.nio.charset.StandardCharsets.UTF_8)));
        ws.exceptionHandler(t -> LOG.debugf("Live API socket error: %s", t.getClass().getSimpleName()));
        ws.closeHandler(v -> {
            cancelTimers();
            owner.closed(this);
        });
        Duration life = owner.config.liveConnectionLifetime();
        Duration before = owner.config.liveGoAwayBefore();
        timers[0] = owner.vertx.setTimer(Math.max(1, life.minus(before).toMillis()), id -> goAway());
        timers[1] = owner.vertx.setTimer(Math.max(1, life.toMillis()), id -> close(LiveCloses.TIME_LIMIT));
        long untilExpiry = Duration.between(owner.tokens.now(), token.expireTime()).toMillis();
        timers[2] = owner.vertx.setTimer(Math.max(1, untilExpiry), id -> close(LiveCloses.TOKEN_EXPIRED));
    }

    private void onMessage(String text) {
        if (ws.isClosed()) {
            return;
        }
        try {
            handle(text);
        } catch (SetupSchema.InvalidSetup e) {
            close(LiveCloses.invalid(e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warnf("Emulated Live API session failed: %s", e.getClass().getName());
            close(LiveCloses.INTERNAL_ERROR);
        }
    }

    private void handle(String text) {
        if (owner.tokens.now().isAfter(token.expireTime())) {
            close(LiveCloses.TOKEN_EXPIRED);
            return;
        }
        JsonNode msg;
        try {
            msg = JSON.readTree(text);
        } catch (java.io.IOException e) {
            close(LiveCloses.BAD_JSON);
            return;
        }
        if (msg == null || !msg.isObject() || msg.size() != 1) {
            close(LiveCloses.invalid("Invalid JSON payload received. A message holds exactly one of setup, "
                    + "clientContent, realtimeInput, toolResponse."));
            return;
        }
        String raw = msg.fieldNames().next();
        String kind = SetupSchema.camel(raw);
        if (!CLIENT_MESSAGES.contains(kind)) {
            throw unknown(raw, "");
        }
        clientIndex++;
        JsonNode body = msg.get(raw);
        if (kind.equals("setup")) {
            if (session != null) {
                close(LiveCloses.SETUP_TWICE);
            } else {
                setup(body);
            }
            return;
        }
        if (session == null) {
            close(LiveCloses.SETUP_FIRST);
            return;
        }
        if (kind.equals("realtimeInput")) {
            realtimeInput(body);
        } else {
            // Live Translate takes no text turns and no tools (protocol §3).
            close(LiveCloses.AUDIO_ONLY);
        }
    }

    private void setup(JsonNode body) {
        ObjectNode client = SetupSchema.normalise(body, "setup");
        Instant now = owner.tokens.now();
        ObjectNode eff = SetupMerge.effective(token.setup(), token.fieldMask(), client);
        String handle = SetupMerge.handle(client);
        ResumptionHandles.Session s;
        if (handle != null) {
            // A resumption: no use is spent, and newSessionExpireTime does not apply (protocol §6).
            s = owner.handles.find(handle, now).filter(x -> x.tokenName.equals(tokenName)).orElse(null);
            if (s == null) {
                close(LiveCloses.SESSION_NOT_FOUND);
                return;
            }
        } else {
            if (now.isAfter(token.newSessionExpireTime())) {
                close(LiveCloses.NEW_SESSIONS_OVER);
                return;
            }
            String target = targetLanguage(eff);
            // [?] whether a rejected setup spends a use is unknown; we spend it only once the setup is valid.
            if (!token.trySpendUse()) {
                close(LiveCloses.NO_USES_LEFT);
                return;
            }
            s = new ResumptionHandles.Session(tokenName, new EmulatedTranslation(target), eff);
        }
        session = s;
        effective = eff;
        resumable = eff.has("sessionResumption");
        send(JSON.createObjectNode().set("setupComplete", JSON.createObjectNode()));
        if (resumable) {
            sendUpdate();
        }
        if (goAwayDue) {
            goAway();
        }
    }

    private static String targetLanguage(ObjectNode eff) {
        JsonNode model = eff.get("model");
        if (model == null || !model.isTextual()) {
            throw new SetupSchema.InvalidSetup("Request contains an invalid argument: setup.model is required.");
        }
        JsonNode code = SetupMerge.at(eff, "generationConfig.translationConfig.targetLanguageCode");
        if (code == null || !code.isTextual()) {
            throw new SetupSchema.InvalidSetup("Request contains an invalid argument: Live Translate needs "
                    + "generation_config.translation_config.target_language_code.");
        }
        return code.asText();
    }

    private void realtimeInput(JsonNode body) {
        if (body == null || !body.isObject() || body.size() != 1) {
            throw new SetupSchema.InvalidSetup("Request contains an invalid argument: realtime_input holds exactly "
                    + "one field per message.");
        }
        String raw = body.fieldNames().next();
        String field = SetupSchema.camel(raw);
        if (!REALTIME_FIELDS.contains(field)) {
            throw unknown(raw, "realtime_input");
        }
        JsonNode value = body.get(raw);
        switch (field) {
            case "audio" -> audio(value, "realtime_input.audio");
            case "mediaChunks" -> {
                if (!value.isArray()) {
                    throw new SetupSchema.InvalidSetup("Invalid value at 'realtime_input.media_chunks'.");
                }
                value.forEach(v -> audio(v, "realtime_input.media_chunks"));
            }
            case "audioStreamEnd" -> streamEnd();
            case "activityStart", "activityEnd" -> {
                // accepted; the emulated model has no voice activity detection to switch off
            }
            default -> close(LiveCloses.AUDIO_ONLY);
        }
    }

    private void audio(JsonNode blob, String where) {
        if (blob == null || !blob.isObject()) {
            throw new SetupSchema.InvalidSetup("Invalid value at '" + where + "': expected a Blob.");
        }
        for (Iterator<String> it = blob.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!BLOB_FIELDS.contains(SetupSchema.camel(f))) {
                throw unknown(f, where);
            }
        }
        JsonNode mime = blob.has("mimeType") ? blob.get("mimeType") : blob.get("mime_type");
        JsonNode data = blob.get("data");
        int rate = rate(mime == null ? null : mime.asText(), where);
        byte[] pcm;
        try {
            pcm = data == null ? new byte[0] : EmulatedTranslation.decodeBase64(data.asText());
        } catch (IllegalArgumentException e) {
            throw new SetupSchema.InvalidSetup("Invalid value at '" + where + ".data' (TYPE_BYTES), Base64 decoding failed.");
        }
        EmulatedTranslation t = session.translation;
        byte[] out = t.feed(pcm, rate);
        promptTokens += EmulatedTranslation.audioTokens(pcm.length, rate);
        responseTokens += EmulatedTranslation.audioTokens(out.length, EmulatedTranslation.OUTPUT_RATE);
        sendAudio(out);
        if (t.transcriptDue(TRANSCRIPT_EVERY_SECONDS)) {
            sendTranscripts(false);
        }
        if (resumable && (goAwaySent || ++audioSinceUpdate >= UPDATE_EVERY_MESSAGES)) {
            sendUpdate();
        }
    }

    static int rate(String mime, String where) {
        if (mime == null || mime.isBlank()) {
            return EmulatedTranslation.DEFAULT_INPUT_RATE;
        }
        String m = mime.toLowerCase(Locale.ROOT).replace(" ", "");
        if (!m.startsWith("audio/pcm")) {
            throw new SetupSchema.InvalidSetup("Unsupported mime type at '" + where + ".mime_type': only audio/pcm.");
        }
        int i = m.indexOf("rate=");
        if (i < 0) {
            return EmulatedTranslation.DEFAULT_INPUT_RATE;
        }
        try {
            int r = Integer.parseInt(m.substring(i + 5).split(";")[0]);
            if (r < 8_000 || r > 48_000) {
                throw new NumberFormatException();
            }
            return r;
        } catch (NumberFormatException e) {
            throw new SetupSchema.InvalidSetup("Invalid sample rate at '" + where + ".mime_type'.");
        }
    }

    private void streamEnd() {
        sendAudio(session.translation.flush());
        sendTranscripts(true);
        if (resumable) {
            sendUpdate();
        }
        // No turnComplete: Live Translate does not reliably send one (protocol §4), so clients
        // must end on an idle timeout; the emulator keeps them honest.
    }

    private void sendAudio(byte[] pcm) {
        if (pcm.length == 0) {
            return;
        }
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode inline = msg.putObject("serverContent").putObject("modelTurn").putArray("parts")
                .addObject().putObject("inlineData");
        inline.put("mimeType", "audio/pcm;rate=" + EmulatedTranslation.OUTPUT_RATE);
        inline.put("data", Base64.getEncoder().encodeToString(pcm));   // standard alphabet: Jackson decodes it
        msg.set("usageMetadata", usage());
        send(msg);
    }

    private ObjectNode usage() {
        ObjectNode u = JSON.createObjectNode();
        u.put("promptTokenCount", promptTokens);
        u.put("responseTokenCount", responseTokens);
        u.put("totalTokenCount", promptTokens + responseTokens);
        ArrayNode p = u.putArray("promptTokensDetails");
        p.addObject().put("modality", "AUDIO").put("tokenCount", promptTokens);
        ArrayNode r = u.putArray("responseTokensDetails");
        r.addObject().put("modality", "AUDIO").put("tokenCount", responseTokens);
        return u;
    }

    private void sendTranscripts(boolean finished) {
        EmulatedTranslation t = session.translation;
        if (!finished && !t.transcriptDue(0.001)) {
            return;
        }
        String[] texts = t.nextTranscripts();
        if (effective.has("inputAudioTranscription")) {
            // The emulator cannot detect the spoken language: "und" (BCP-47 undetermined) says so.
            send(transcript("inputTranscription", texts[0], "und", finished));
        }
        if (effective.has("outputAudioTranscription")) {
            send(transcript("outputTranscription", texts[1], t.targetLanguage(), finished));
        }
    }

    private static ObjectNode transcript(String kind, String text, String lang, boolean finished) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode tr = msg.putObject("serverContent").putObject(kind);
        tr.put("text", text);
        tr.put("languageCode", lang);
        if (finished) {
            tr.put("finished", true);
        }
        return msg;
    }

    private void sendUpdate() {
        audioSinceUpdate = 0;
        Instant validUntil = owner.tokens.now().plus(owner.config.liveResumptionHandleLifetime());
        String handle = owner.handles.issue(session, validUntil);
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode u = msg.putObject("sessionResumptionUpdate");
        u.put("newHandle", handle);
        u.put("resumable", true);
        // [?] the index base is not documented; ours counts this connection's messages from 0 (the setup).
        u.put("lastConsumedClientMessageIndex", Long.toString(clientIndex));
        send(msg);
    }

    private void goAway() {
        if (ws.isClosed() || goAwaySent) {
            return;
        }
        if (session == null) {
            goAwayDue = true;       // the Java SDK needs setupComplete first: send it right after
            return;
        }
        if (resumable) {
            sendUpdate();           // give the client the freshest handle to resume with
        }
        goAwaySent = true;
        long left = Math.max(0, owner.config.liveConnectionLifetime().toSeconds()
                - Math.max(0, owner.config.liveConnectionLifetime().minus(owner.config.liveGoAwayBefore()).toSeconds()));
        // whole seconds only: the Java SDK parses Duration as an integer + "s" (protocol §4)
        send(JSON.createObjectNode().set("goAway", JSON.createObjectNode().put("timeLeft", left + "s")));
    }

    /**
     * The server is stopping: give the client the freshest handle and a goAway, then close, on
     * the connection's own context (callable from any thread).
     */
    void shutDown() {
        context.runOnContext(v -> {
            if (ws.isClosed()) {
                owner.closed(this);
                return;
            }
            if (session != null && resumable) {
                sendUpdate();
            }
            if (session != null && !goAwaySent) {
                goAwaySent = true;
                send(JSON.createObjectNode().set("goAway", JSON.createObjectNode().put("timeLeft", "0s")));
            }
            close(LiveCloses.SHUTTING_DOWN);
        });
    }

    private void send(ObjectNode msg) {
        if (ws.isClosed()) {
            return;
        }
        // Google sends its JSON in binary frames (docs/live-api-protocol.md §4): a client that
        // only handles text frames must fail here as it would against Google.
        if (owner.config.live().textFrames()) {
            ws.writeTextMessage(msg.toString());
        } else {
            ws.writeBinaryMessage(Buffer.buffer(msg.toString()));
        }
    }

    private void close(LiveCloses.Close c) {
        cancelTimers();
        LiveCloses.close(ws, c);
    }

    private void cancelTimers() {
        for (long id : timers) {
            owner.vertx.cancelTimer(id);
        }
    }

    private static SetupSchema.InvalidSetup unknown(String name, String where) {
        return new SetupSchema.InvalidSetup("Invalid JSON payload received. Unknown name \"" + name + "\""
                + (where.isEmpty() ? "" : " at '" + where + "'") + ": Cannot find field.");
    }
}
