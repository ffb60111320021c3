package dev.livetoken.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;

/**
 * One emulated Live API connection. All callbacks run on the socket's Vert.x context, so the state
 * needs no locking. Closes with a code and reason on any protocol violation, as Google does.
 * Refusals (no or bad credential, expired token, wrong path) are sent when the first client
 * message arrives, like a spent token's: one consistent order (docs/live-api-protocol.md §2,
 * emulator decisions).
 */
final class LiveConnection {

    private static final Logger LOG = Logger.getLogger(LiveConnection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CLIENT_MESSAGES =
            Set.of("setup", "clientContent", "realtimeInput", "toolResponse");
    private static final Set<String> REALTIME_FIELDS =
            Set.of("audio", "audioStreamEnd", "activityStart", "activityEnd", "video", "text", "mediaChunks");
    private static final Set<String> BLOB_FIELDS = Set.of("mimeType", "data");
    /** Models the emulated Live API serves (docs/live-api-protocol.md §4, MC). */
    static final Set<String> MODELS = Set.of("models/gemini-3.5-live-translate-preview");
    /** Seconds of input between two transcript pairs. */
    private static final double TRANSCRIPT_EVERY_SECONDS = 1.0;
    /** Audio messages between two resumption updates (once goAway is sent: after every message). */
    private static final int UPDATE_EVERY_MESSAGES = 10;

    private final LiveServices services;
    private final ServerWebSocket ws;
    private final HttpConnection connection;
    private final String tokenName;
    private final EmulatedToken token;
    /** Why this connection is refused (sent on the first client message), or null. */
    private final LiveCloses.Close refusal;

    private final EmulatorFaults.Fault fault;
    private final String sourceLanguage;
    private final ConnectionTimers timers;

    private Context context;
    private ResumptionHandles.Session session;
    private ObjectNode effective;
    private boolean resumable;
    private boolean transparent;
    private boolean goAwayDue;
    private boolean goAwaySent;
    private boolean silent;
    private boolean lastUpdateResumable;
    private long clientIndex = -1;
    private int audioSinceUpdate;
    private int audioMessages;

    LiveConnection(
            LiveServices services,
            ServerWebSocket ws,
            HttpConnection connection,
            String tokenName,
            EmulatedToken token,
            LiveCloses.Close refusal,
            EmulatorFaults.Fault fault,
            String sourceLanguage) {
        this.services = services;
        this.timers = new ConnectionTimers(services.vertx());
        this.ws = ws;
        this.connection = connection;
        this.tokenName = tokenName;
        this.token = token;
        this.refusal = refusal;
        this.fault = fault;
        this.sourceLanguage = sourceLanguage;
    }

    /** @param onClosed run once the socket closed (the emulator then marks its request done) */
    void start(Runnable onClosed) {
        context = services.vertx().getOrCreateContext();
        services.opened().accept(this);
        ws.textMessageHandler(this::onMessage);
        ws.binaryMessageHandler((Buffer b) -> onMessage(b.toString(java.nio.charset.StandardCharsets.UTF_8)));
        ws.exceptionHandler(
                t -> LOG.debugf("Live API socket error: %s", t.getClass().getSimpleName()));
        ws.closeHandler(v -> {
            cancelTimers();
            services.closed().accept(this);
            onClosed.run();
            if (session != null && session.connection == this) {
                session.connection = null;
            }
        });
        Duration life = services.config().liveConnectionLifetime();
        Duration before = services.config().liveGoAwayBefore();
        timers.start(ConnectionTimers.Slot.GO_AWAY, life.minus(before).toMillis(), this::goAway);
        timers.start(ConnectionTimers.Slot.TIME_LIMIT, life.toMillis(), () -> close(LiveCloses.TIME_LIMIT));
        if (token != null) {
            long untilExpiry = Duration.between(services.tokens().now(), token.expireTime())
                    .toMillis();
            timers.start(ConnectionTimers.Slot.TOKEN_EXPIRY, untilExpiry, () -> close(LiveCloses.TOKEN_EXPIRED));
        }
    }

    boolean isOpen() {
        return !ws.isClosed();
    }

    /** Another connection resumed this session: this one no longer serves it (Google closes it). */
    void replaced() {
        context.runOnContext(v -> {
            silent = true;
            cancelRelease();
            close(LiveCloses.SESSION_MOVED);
        });
    }

    private void onMessage(String text) {
        if (ws.isClosed() || silent) {
            return; // after a goAway-then-silence fault nothing is consumed any more
        }
        if (refusal != null) {
            close(refusal);
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
        if (services.tokens().now().isAfter(token.expireTime())) {
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
        Instant now = services.tokens().now();
        ObjectNode eff = SetupMerge.effective(token.setup(), token.fieldMask(), client);
        String handle = SetupMerge.handle(client);
        ResumptionHandles.Session s;
        if (handle != null) {
            // A resumption: no use is spent, and newSessionExpireTime does not apply (protocol §6).
            ResumptionHandles.Resumed r = services.handles()
                    .resume(handle, now)
                    .filter(x -> x.session().tokenName.equals(tokenName))
                    .orElse(null);
            if (r == null) {
                close(LiveCloses.SESSION_NOT_FOUND);
                return;
            }
            s = r.session();
            if (s.ended) {
                close(LiveCloses.SESSION_LIMIT);
                return;
            }
            LiveConnection older = s.connection;
            if (fault.kind() == EmulatorFaults.Kind.REFUSE_RESUME_WHILE_OPEN && older != null && older.isOpen()) {
                close(LiveCloses.UNAVAILABLE); // protocol §7: close the old socket first
                return;
            }
            if (older != null && older.isOpen()) {
                older.replaced();
            }
            // The handle names the state after r.position() chunks ("lastConsumedClientMessageIndex:
            // the last message included in the state this handle represents", REF): what the session
            // consumed after it is forgotten, and the client sends it again.
            if (s.consumed > r.position()) {
                s.consumed = r.position();
                s.pending.removeIf(p -> p.position() > r.position());
                services.faults().truncateConsumed(tokenName, r.position());
            }
        } else {
            if (now.isAfter(token.newSessionExpireTime())) {
                close(LiveCloses.NEW_SESSIONS_OVER);
                return;
            }
            String model = modelOf(eff);
            boolean dialogue = EmulatedInterpreter.MODELS.contains(model);
            if (!MODELS.contains(model) && !dialogue) {
                close(LiveCloses.modelNotFound(model));
                return;
            }
            LiveCloses.Close locked = changesLockedFields(client);
            if (locked != null) {
                close(locked);
                return;
            }
            EmulatedTranslation served = dialogue ? interpreter(eff) : translation(eff);
            // [?] whether a rejected setup spends a use is unknown; we spend it only once the setup is valid.
            if (!token.trySpendUse()) {
                close(LiveCloses.NO_USES_LEFT);
                return;
            }
            s = new ResumptionHandles.Session(tokenName, served, now);
        }
        session = s;
        s.connection = this;
        effective = eff;
        resumable = eff.has("sessionResumption");
        JsonNode tr = SetupMerge.at(eff, "sessionResumption.transparent");
        transparent = tr != null && tr.asBoolean(false);
        send(LiveMessages.setupComplete());
        if (resumable) {
            sendUpdate(true);
        }
        if (!eff.has("contextWindowCompression")) {
            // protocol §5: audio-only sessions end after 15 min unless compression is on
            long left = Duration.between(now, s.startedAt.plus(services.config().liveSessionLimit()))
                    .toMillis();
            timers.start(ConnectionTimers.Slot.SESSION_LIMIT, left, () -> {
                session.ended = true;
                close(LiveCloses.SESSION_LIMIT);
            });
        }
        if (goAwayDue) {
            goAway();
        }
        scheduleRelease(); // output still owed from the session's previous connection
    }

    private EmulatedTranslation translation(ObjectNode eff) {
        String target = targetLanguage(eff);
        JsonNode echo = SetupMerge.at(eff, "generationConfig.translationConfig.echoTargetLanguage");
        return new EmulatedTranslation(target, sourceLanguage, echo != null && echo.asBoolean());
    }

    /** A dialogue model: interprets between the languages its system instruction names (docs/live-api-protocol.md §10). */
    private EmulatedTranslation interpreter(ObjectNode eff) {
        if (SetupMerge.at(eff, "generationConfig.translationConfig") != null) {
            // [E] translationConfig belongs to Live Translate; the dialogue model refuses it
            throw new SetupSchema.InvalidSetup("Request contains an invalid argument: translation_config is not "
                    + "supported by " + eff.get("model").asText() + ".");
        }
        String instruction = EmulatedInterpreter.instructionText(eff.get("systemInstruction"));
        List<dev.livetoken.languages.Language> pair =
                instruction == null ? List.of() : EmulatedInterpreter.pair(instruction, services.languages());
        return EmulatedInterpreter.forSpeaker(sourceLanguage, pair);
    }

    /**
     * [E] A setup that tries to change what the token locks to a system instruction or tools is
     * refused, not silently overridden (docs/live-api-protocol.md §10): a device must learn that it
     * cannot turn a locked session into something else. Sending the locked value again is fine.
     */
    private LiveCloses.Close changesLockedFields(ObjectNode client) {
        JsonNode ownInstruction = client.get("systemInstruction");
        if (ownInstruction != null && !ownInstruction.isNull() && locks("systemInstruction")) {
            JsonNode lockedInstruction =
                    token.setup() == null ? null : token.setup().get("systemInstruction");
            if (!ownInstruction.equals(lockedInstruction)) {
                return LiveCloses.LOCKED_INSTRUCTION;
            }
        }
        JsonNode ownTools = client.get("tools");
        if (ownTools != null && !ownTools.isNull() && !ownTools.isEmpty() && locks("tools")) {
            JsonNode lockedTools = token.setup() == null ? null : token.setup().get("tools");
            if (!ownTools.equals(lockedTools)) {
                return LiveCloses.LOCKED_TOOLS;
            }
        }
        return null;
    }

    /** Whether the token fixes {@code field}: a global lock (no mask), or a mask path at or under it (§6). */
    private boolean locks(String field) {
        List<String> mask = token.fieldMask();
        if (mask == null || mask.isEmpty()) {
            return token.setup() != null;
        }
        return mask.stream().anyMatch(p -> p.equals(field) || p.startsWith(field + "."));
    }

    private static String modelOf(ObjectNode eff) {
        JsonNode model = eff.get("model");
        if (model == null || !model.isTextual()) {
            throw new SetupSchema.InvalidSetup("Request contains an invalid argument: setup.model is required.");
        }
        return model.asText();
    }

    /** The effective target language; {@code en} when the setup names none, as Google documents (LT). */
    private String targetLanguage(ObjectNode eff) {
        JsonNode code = SetupMerge.at(eff, "generationConfig.translationConfig.targetLanguageCode");
        String target = code == null || !code.isTextual() ? "en" : code.asText();
        if (services.languages().find(target).isEmpty()) {
            // [?] Google's answer to an unsupported code is unknown; the stricter choice: refuse it.
            throw new SetupSchema.InvalidSetup("Request contains an invalid argument: unsupported "
                    + "translation_config.target_language_code '" + target + "'.");
        }
        return target;
    }

    private void realtimeInput(JsonNode body) {
        if (body == null || !body.isObject() || body.size() != 1) {
            throw new SetupSchema.InvalidSetup(
                    "Request contains an invalid argument: realtime_input holds exactly " + "one field per message.");
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
            case "activityStart" -> interrupt();
            case "activityEnd" -> {
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
            throw new SetupSchema.InvalidSetup(
                    "Invalid value at '" + where + ".data' (TYPE_BYTES), Base64 decoding failed.");
        }
        ResumptionHandles.Session s = session;
        EmulatedTranslation t = s.translation;
        services.faults().recordConsumed(tokenName, pcm);
        s.consumed++;
        byte[] out = t.feed(pcm, rate);
        s.turnEnding = false;
        s.promptTokens += EmulatedTranslation.audioTokens(pcm.length, rate);
        // Silence in, nothing out; speech already in the target language only with echo on.
        s.lastInputSilent = EmulatedTranslation.isSilence(pcm);
        if (out.length > 0 && !s.lastInputSilent && t.speaks()) {
            s.pending.add(new ResumptionHandles.PendingOutput(
                    System.nanoTime()
                            + services.config().live().translationDelay().toNanos(),
                    out,
                    s.consumed));
            scheduleRelease();
        }
        if (t.transcriptDue(TRANSCRIPT_EVERY_SECONDS)) {
            sendTranscripts(false);
        }
        audioMessages++;
        if (resumable && (goAwaySent || ++audioSinceUpdate >= UPDATE_EVERY_MESSAGES)) {
            sendUpdate(false);
        }
        if (fault.kind() != EmulatorFaults.Kind.NONE && audioMessages == fault.afterAudioMessages()) {
            strike();
        }
    }

    /** The planned fault strikes now (docs/live-api-protocol.md §7). */
    private void strike() {
        switch (fault.kind()) {
            case DROP -> {
                cancelTimers();
                // the TCP connection goes, no close frame: Vert.x' close(), even on the channel, would
                // send one, so close the socket underneath its handlers
                if (connection instanceof io.vertx.core.net.impl.ConnectionBase cb) {
                    io.netty.channel.Channel ch = cb.channel();
                    // Channel.Unsafe may only be used on the channel's own event loop
                    ch.eventLoop().execute(() -> ch.unsafe().close(ch.voidPromise()));
                } else {
                    connection.close();
                }
            }
            case GOAWAY_DEADLINE -> {
                goAway("50s");
                timers.start(ConnectionTimers.Slot.TIME_LIMIT, 100, () -> close(LiveCloses.DEADLINE_EXPIRED));
            }
            case RESOURCE_EXHAUSTED -> close(LiveCloses.RESOURCE_EXHAUSTED);
            case GOAWAY_SILENCE -> {
                goAway();
                silent = true;
                cancelRelease();
            }
            case SLOW_PONGS -> {
                // stop reading: pings wait unanswered in the socket; what arrives meanwhile is never consumed
                silent = true;
                cancelRelease();
                ws.pause();
                services.vertx()
                        .setTimer(Math.max(1, services.config().slowPongsPause().toMillis()), id -> {
                            if (!ws.isClosed()) {
                                ws.resume();
                            }
                        });
            }
            default -> {
                // HTTP_429 and REFUSE_RESUME_WHILE_OPEN strike at connect time
            }
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
        byte[] rest = session.translation.flush();
        if (rest.length > 0 && !session.lastInputSilent && session.translation.speaks()) {
            session.pending.add(new ResumptionHandles.PendingOutput(
                    System.nanoTime()
                            + services.config().live().translationDelay().toNanos(),
                    rest,
                    session.consumed));
        }
        session.turnEnding = true;
        if (resumable) {
            sendUpdate(false);
        }
        scheduleRelease();
        if (session.pending.isEmpty()) {
            endTurn();
        }
    }

    /** The client started speaking again (manual activity detection): drop what was still owed. */
    private void interrupt() {
        if (session.pending.isEmpty()) {
            return;
        }
        session.pending.clear();
        cancelRelease();
        send(LiveMessages.interrupted());
        // protocol §4: an interrupted turn ends with turnComplete and no generationComplete
        send(LiveMessages.turnComplete(session.promptTokens, session.responseTokens));
    }

    /** The end of the turn: final transcripts, generationComplete, turnComplete with the usage. */
    private void endTurn() {
        session.turnEnding = false;
        sendTranscripts(true);
        send(LiveMessages.generationComplete());
        send(LiveMessages.turnComplete(session.promptTokens, session.responseTokens));
    }

    private void scheduleRelease() {
        if (timers.running(ConnectionTimers.Slot.RELEASE) || silent || ws.isClosed() || session == null) {
            return;
        }
        ResumptionHandles.PendingOutput head = session.pending.peek();
        if (head == null) {
            return;
        }
        long ms = Math.max(1, (head.dueNanos() - System.nanoTime() + 999_999) / 1_000_000);
        timers.start(ConnectionTimers.Slot.RELEASE, ms, this::release);
    }

    private void release() {
        if (ws.isClosed() || silent) {
            return;
        }
        long now = System.nanoTime();
        ResumptionHandles.PendingOutput p;
        while ((p = session.pending.peek()) != null && p.dueNanos() <= now) {
            session.pending.poll();
            session.responseTokens += EmulatedTranslation.audioTokens(p.pcm().length, EmulatedTranslation.OUTPUT_RATE);
            sendAudio(p.pcm());
        }
        if (session.pending.isEmpty() && session.turnEnding) {
            endTurn();
        }
        scheduleRelease();
    }

    private void cancelRelease() {
        timers.cancel(ConnectionTimers.Slot.RELEASE);
    }

    private void sendAudio(byte[] pcm) {
        if (pcm.length > 0) {
            send(LiveMessages.audio(pcm, session.promptTokens, session.responseTokens));
        }
    }

    private void sendTranscripts(boolean finished) {
        EmulatedTranslation t = session.translation;
        if (!finished && !t.transcriptDue(0.001)) {
            return;
        }
        String[] texts = t.nextTranscripts();
        if (effective.has("inputAudioTranscription")) {
            // the language the emulator was told it hears (it cannot detect one)
            send(LiveMessages.transcript("inputTranscription", texts[0], t.sourceLanguage(), finished));
        }
        if (effective.has("outputAudioTranscription") && t.speaks()) {
            send(LiveMessages.transcript("outputTranscription", texts[1], t.targetLanguage(), finished));
        }
    }

    /**
     * A resumption update. While translated audio is still owed, every other update says
     * {@code resumable: false} with no handle, as Google does mid-generation (protocol §4), unless
     * {@code force}. {@code lastConsumedClientMessageIndex} only for transparent resumption (REF).
     */
    private void sendUpdate(boolean force) {
        audioSinceUpdate = 0;
        if (!force && lastUpdateResumable && !session.pending.isEmpty()) {
            lastUpdateResumable = false;
            send(LiveMessages.notResumable());
            return;
        }
        lastUpdateResumable = true;
        Instant validUntil = services.tokens().now().plus(services.config().liveResumptionHandleLifetime());
        // [?] the index base is not documented; ours counts this connection's messages from 0 (the setup).
        send(LiveMessages.resumable(services.handles().issue(session, validUntil), transparent ? clientIndex : null));
    }

    private void goAway() {
        long left = Math.max(
                0,
                services.config().liveConnectionLifetime().toSeconds()
                        - Math.max(
                                0,
                                services.config()
                                        .liveConnectionLifetime()
                                        .minus(services.config().liveGoAwayBefore())
                                        .toSeconds()));
        // whole seconds only: the Java SDK parses Duration as an integer + "s" (protocol §4)
        goAway(left + "s");
    }

    private void goAway(String timeLeft) {
        if (ws.isClosed() || goAwaySent) {
            return;
        }
        if (session == null) {
            goAwayDue = true; // the Java SDK needs setupComplete first: send it right after
            return;
        }
        if (resumable) {
            sendUpdate(true); // give the client the freshest handle to resume with
        }
        goAwaySent = true;
        send(LiveMessages.goAway(timeLeft));
    }

    /**
     * The server is stopping: give the client the freshest handle and a goAway, then close, on
     * the connection's own context (callable from any thread).
     */
    void shutDown() {
        context.runOnContext(v -> {
            if (ws.isClosed()) {
                services.closed().accept(this);
                return;
            }
            if (session != null && !goAwaySent) {
                goAway("0s");
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
        if (services.config().live().textFrames()) {
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
        timers.cancelAll();
    }

    private static SetupSchema.InvalidSetup unknown(String name, String where) {
        return new SetupSchema.InvalidSetup("Invalid JSON payload received. Unknown name \"" + name + "\""
                + (where.isEmpty() ? "" : " at '" + where + "'") + ": Cannot find field.");
    }
}
