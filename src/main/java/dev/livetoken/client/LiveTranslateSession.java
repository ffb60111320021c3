package dev.livetoken.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A Live Translate session over the Live API WebSocket, opened with an ephemeral token. Sends the
 * setup, streams 16 kHz PCM, hands translated 24 kHz audio and transcripts to a {@link Listener},
 * and survives the ways a Live API connection ends (docs/live-api-protocol.md §5, §7):
 *
 * <ul>
 * <li>after {@code goAway}, a dropped connection (1006), a {@code 1011} deadline, overload or quota
 * close, an HTTP 429 on the upgrade, or a shutdown (1001), it closes the old socket first (Google
 * refuses a resume while it is open), then resumes with the latest handle, with bounded
 * exponential backoff and jitter;</li>
 * <li>it sends again, in order, every audio chunk the server had not consumed (the setup asks for
 * {@code transparent} resumption, so updates carry {@code lastConsumedClientMessageIndex}), so the
 * conversation loses no input;</li>
 * <li>when the token has expired, its new-session window closed or its uses are spent, it asks the
 * {@link TokenRenewer} for a fresh one and starts a new session;</li>
 * <li>when it knows how long the token lives ({@link Options#tokenLifetime()}), it renews it ahead of
 * its expiry and hands the conversation over to a new session <em>before</em> the old one ends
 * (make before break): every chunk goes to exactly one of the two sessions, and the old one finishes
 * translating what it heard, so nothing is lost or said twice, which a renewal after the expiry
 * cannot promise (the old session's last unconfirmed chunks are sent again);</li>
 * <li>it notices a connection that went dead without a close (no pong to its keepalive ping within
 * {@link Keepalive#pongTimeout()}: a stalled server or network, which TCP would notice only after
 * minutes), drops it and resumes;</li>
 * <li>it gives up only after {@link Recovery#maxAttempts()} attempts or {@link Recovery#budget()}
 * without a connection, with {@link LiveClientException.Kind#RECOVERY_EXHAUSTED}.</li>
 * </ul>
 *
 * Sends never block and no lock is held across I/O: each connection chains its sends on the
 * WebSocket's futures; reconnection runs on one scheduler thread per session. Thread-safe.
 */
public final class LiveTranslateSession implements AutoCloseable {

    /** Receives what the server sends. Called on WebSocket threads: keep it quick. */
    public interface Listener {
        void onAudio(byte[] pcm24k);

        /** A transcript piece; {@code source} is the speaker's side, else the translation. */
        void onTranscript(boolean source, String text, String languageCode, boolean finished);

        default void onGoAway(String timeLeft) {}

        /** The session is back after a drop; {@code r} says what dropped and how long it took. */
        default void onResumed(Resumed r) {}

        /** A new token replaced the old one (it had expired, or its window or uses were spent). */
        default void onTokenRenewed(String reason) {}
    }

    /** Supplies a fresh token when the current one can no longer open sessions. */
    @FunctionalInterface
    public interface TokenRenewer {
        /**
         * @param reason why: the server's close reason, or {@link #RENEWING_AHEAD} when the current token
         *        still works and is renewed ahead of its expiry
         * @return the new token and its WebSocket URL
         */
        MintedToken renew(String reason);
    }

    /** The {@link TokenRenewer} reason of a renewal ahead of the token's expiry (the old session is fine). */
    public static final String RENEWING_AHEAD = "renewing ahead of expiry";

    /** How long before a token expires it is renewed, at most (a third of its lifetime for short ones). */
    public static final Duration RENEW_AHEAD = Duration.ofSeconds(30);

    /**
     * How long a handed-over session may go on delivering what it still owes (the translation of its
     * last chunks) before it is closed; it ends sooner if its token expires.
     */
    static final Duration HANDOVER_DRAIN = Duration.ofSeconds(10);

    /**
     * One recovery.
     *
     * @param cause what ended the connection: {@code goAway}, or the close code and reason
     * @param millis from the moment the drop was seen to the first audio sent on the new connection
     *        (-1 when no audio was waiting)
     * @param attempts connection attempts it took
     * @param newSession true when the session could not be resumed and a new one was started
     */
    public record Resumed(int number, String cause, double millis, int attempts, boolean newSession) {}

    /**
     * How hard to try: the first retry after {@code initialBackoff}, doubling up to
     * {@code maxBackoff}, each with ±50 % jitter; at most {@code maxAttempts} in a row and never
     * longer than {@code budget} without a connection.
     */
    public record Recovery(Duration initialBackoff, Duration maxBackoff, int maxAttempts, Duration budget) {
        public static final Recovery DEFAULT =
                new Recovery(Duration.ofMillis(100), Duration.ofSeconds(5), 10, Duration.ofSeconds(60));
    }

    /**
     * The connection's own liveness check: a WebSocket ping every {@code interval}; a connection
     * whose pong has not come back within {@code pongTimeout} is taken for dead and resumed. Timers
     * on the session's scheduler, no polling. The default waits 45 s for a pong: Gemini's pongs are
     * reported to take 8–30 s (docs/live-api-protocol.md §7), and a shorter deadline would drop
     * healthy sessions.
     */
    public record Keepalive(Duration interval, Duration pongTimeout) {
        public static final Keepalive DEFAULT = new Keepalive(Duration.ofSeconds(15), Duration.ofSeconds(45));
    }

    /**
     * How to open the session.
     *
     * @param targetLanguageCode sent as {@code generationConfig.translationConfig} only when not null,
     *        i.e. when the token is unlocked (a locked token overrides it anyway)
     * @param tokenInHeader send {@code Authorization: Token …} instead of {@code ?access_token=}
     * @param renewer null when the token cannot be renewed (a token given by the user)
     * @param tokenLifetime how long the first token lives from now ({@link MintedToken#lifetime()}), or
     *        null when unknown: then it is renewed only once the server says it expired
     * @param renewAhead renew this long before a token expires (at most a third of its lifetime);
     *        null for {@link #RENEW_AHEAD}, zero to renew only after the expiry
     */
    public record Options(
            URI websocketUrl,
            String token,
            String model,
            String targetLanguageCode,
            Boolean echoTargetLanguage,
            boolean tokenInHeader,
            Duration connectTimeout,
            Recovery recovery,
            TokenRenewer renewer,
            Keepalive keepalive,
            Duration tokenLifetime,
            Duration renewAhead) {

        public Options {
            keepalive = keepalive == null ? Keepalive.DEFAULT : keepalive;
            renewAhead = renewAhead == null ? RENEW_AHEAD : renewAhead;
        }

        /**
         * Options with the default recovery and keepalive, no renewer and an unknown token lifetime:
         * the session resumes after drops but cannot replace its token. Add the rest with the
         * {@code with…} methods.
         */
        public static Options of(
                URI websocketUrl,
                String token,
                String model,
                String targetLanguageCode,
                Boolean echoTargetLanguage,
                boolean tokenInHeader,
                Duration connectTimeout) {
            return new Options(
                    websocketUrl,
                    token,
                    model,
                    targetLanguageCode,
                    echoTargetLanguage,
                    tokenInHeader,
                    connectTimeout,
                    Recovery.DEFAULT,
                    null,
                    null,
                    null,
                    null);
        }

        /** These options, resuming with {@code recovery} and renewing tokens with {@code renewer} (may be null). */
        public Options withRecovery(Recovery recovery, TokenRenewer renewer) {
            return with(recovery, renewer, keepalive, tokenLifetime, renewAhead);
        }

        /** These options with another liveness check. */
        public Options withKeepalive(Keepalive keepalive) {
            return with(recovery, renewer, keepalive, tokenLifetime, renewAhead);
        }

        /**
         * These options, knowing the first token lives {@code tokenLifetime} from now and renewing
         * each token {@code renewAhead} before it expires (null for {@link #RENEW_AHEAD}).
         */
        public Options withRenewal(Duration tokenLifetime, Duration renewAhead) {
            return with(recovery, renewer, keepalive, tokenLifetime, renewAhead);
        }

        private Options with(
                Recovery recovery,
                TokenRenewer renewer,
                Keepalive keepalive,
                Duration tokenLifetime,
                Duration renewAhead) {
            return new Options(
                    websocketUrl,
                    token,
                    model,
                    targetLanguageCode,
                    echoTargetLanguage,
                    tokenInHeader,
                    connectTimeout,
                    recovery,
                    renewer,
                    keepalive,
                    tokenLifetime,
                    renewAhead);
        }

        @Override
        public String toString() {
            return "Options[websocketUrl=" + websocketUrl + ", model=" + model + "]";
        }
    }

    /** Cumulative token counts of the session as the server last reported them (never summed). */
    public record Usage(long promptTokenCount, long responseTokenCount, long totalTokenCount) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Unconfirmed chunks kept when the server never reports what it consumed (50 = 5 s of audio). */
    private static final int MAX_UNCONFIRMED_WITHOUT_INDEX = 50;

    private static final String STREAM_END = "{\"realtimeInput\":{\"audioStreamEnd\":true}}";

    private enum State {
        OPEN,
        RECOVERING,
        CLOSED,
        FAILED
    }

    private record Chunk(long seq, String message) {}

    private final HttpClient http;
    private final Options options;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    // ---- guarded by lock
    private final ArrayDeque<Chunk> unconfirmed = new ArrayDeque<>();
    private final List<Resumed> recoveries = new ArrayList<>();
    private State state = State.OPEN;
    private Conn current;
    private long nextSeq;
    private boolean indexSeen;
    private boolean streamEnded;
    private String latestHandle;
    private String token;
    private URI websocketUrl;
    private int attempts;
    private long dropNanos;
    private String dropCause;
    private boolean newSessionNeeded;
    private boolean renewNeeded;
    private String renewReason;
    private Usage usage = new Usage(0, 0, 0);
    private LiveClientException failure;
    /** When the current token expires ({@link System#nanoTime()}), or 0 when unknown. */
    private long tokenExpiresNanos;
    /** A renewal ahead of the expiry is under way (at most one at a time). */
    private boolean handingOver;
    /** Which plan to renew ahead is in force: a new token replaces the plan made for the old one. */
    private long renewPlan;
    /** Sessions handed over to a newer one, still delivering what they owe. */
    private final List<Conn> draining = new ArrayList<>();
    // ----
    private volatile long lastMessageNanos = System.nanoTime();
    private volatile long firstSendNanos;
    private volatile long firstAudioNanos;
    private volatile long lastCloseCode;
    private volatile String lastCloseReason;

    private LiveTranslateSession(HttpClient http, Options options, Listener listener) {
        this.http = http;
        this.options = options;
        this.listener = listener;
        this.token = options.token();
        this.websocketUrl = options.websocketUrl();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "live-session-recovery");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects, sends the setup and waits for {@code setupComplete}; fails if the first connect fails. */
    public static LiveTranslateSession open(HttpClient http, Options options, Listener listener) {
        LiveTranslateSession s = new LiveTranslateSession(http, options, listener);
        try {
            long minted = System.nanoTime();
            Conn c = s.connect(options.token(), options.websocketUrl(), null).join();
            synchronized (s.lock) {
                s.current = c;
            }
            s.keepAlive(c);
            s.renewAheadOf(options.tokenLifetime(), minted);
            return s;
        } catch (CompletionException e) {
            s.scheduler.shutdownNow();
            throw asClientException(e.getCause());
        }
    }

    /** Sends one chunk of 16 kHz mono PCM16LE; never blocks (chunks wait in memory while resuming). */
    public void sendAudio(byte[] pcm16k) {
        String msg = "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""
                + Base64.getEncoder().encodeToString(pcm16k) + "\"}}}";
        synchronized (lock) {
            throwIfFailed();
            Chunk c = new Chunk(nextSeq++, msg);
            unconfirmed.add(c);
            if (!indexSeen) {
                while (unconfirmed.size() > MAX_UNCONFIRMED_WITHOUT_INDEX) {
                    unconfirmed.removeFirst();
                }
            }
            if (state == State.OPEN && current != null) {
                current.enqueue(c.seq(), msg);
            }
        }
        if (firstSendNanos == 0) {
            firstSendNanos = System.nanoTime();
        }
    }

    /** Tells the server the audio stream ended, so it flushes what it holds (again after a resume). */
    public void endAudio() {
        synchronized (lock) {
            throwIfFailed();
            streamEnded = true;
            if (state == State.OPEN && current != null) {
                current.enqueue(-1, STREAM_END);
            }
        }
    }

    /**
     * Waits for trailing output: returns once nothing arrived for {@code idle} while connected
     * (Live Translate may never send turnComplete) and the connection answered a ping sent after
     * that quiet began (a stalled connection is quiet too: its keepalive then resumes the session
     * and the wait goes on), or after {@code max}. Throws if the session failed.
     */
    public void awaitIdle(Duration idle, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        long probedFor = 0;
        synchronized (lock) {
            while (true) {
                throwIfFailed();
                long now = System.nanoTime();
                long quietFor = now - lastMessageNanos;
                if (state == State.OPEN && quietFor >= idle.toNanos()) {
                    Conn c = current;
                    if (c == null
                            || options.keepalive().interval().isZero()
                            || c.lastPongNanos - lastMessageNanos >= 0) {
                        return;
                    }
                    if (probedFor != lastMessageNanos) {
                        probedFor = lastMessageNanos;
                        try {
                            scheduler.execute(() -> ping(c)); // its pong (or its absence) wakes us
                        } catch (java.util.concurrent.RejectedExecutionException e) {
                            return;
                        }
                    }
                }
                // quiet long enough: only the probe's pong (or a state change) can end the wait
                long wait = quietFor >= idle.toNanos()
                        ? deadline - now
                        : Math.min(deadline - now, idle.toNanos() - quietFor);
                if (deadline - now <= 0) {
                    return;
                }
                try {
                    // woken by every message and state change (no sleep polling)
                    TimeUnit.NANOSECONDS.timedWait(lock, Math.max(1_000_000, wait));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LiveClientException(LiveClientException.Kind.IO, "Interrupted.", e);
                }
            }
        }
    }

    /** Milliseconds from the first chunk sent to the first translated audio, or -1 if none yet. */
    public double timeToFirstAudioMillis() {
        return firstAudioNanos == 0 || firstSendNanos == 0 ? -1 : (firstAudioNanos - firstSendNanos) / 1e6;
    }

    public int resumptions() {
        synchronized (lock) {
            return recoveries.size();
        }
    }

    /** Every recovery so far, in order. */
    public List<Resumed> recoveries() {
        synchronized (lock) {
            return List.copyOf(recoveries);
        }
    }

    /** The latest cumulative usage the server reported. */
    public Usage usage() {
        synchronized (lock) {
            return usage;
        }
    }

    /** The token in use now (it changes when renewed); never print it. */
    public String token() {
        synchronized (lock) {
            return token;
        }
    }

    /** Why the session failed, or null while it has not. */
    public LiveClientException failure() {
        synchronized (lock) {
            return failure;
        }
    }

    /** The last close code seen on any connection of the session (0 if none). */
    public int lastCloseCode() {
        return (int) lastCloseCode;
    }

    public String lastCloseReason() {
        return lastCloseReason;
    }

    @Override
    public void close() {
        Conn c;
        synchronized (lock) {
            if (state != State.FAILED) {
                state = State.CLOSED;
            }
            c = current;
            current = null;
            lock.notifyAll();
        }
        List<Conn> handedOver;
        synchronized (lock) {
            handedOver = List.copyOf(draining);
            draining.clear();
        }
        scheduler.shutdownNow();
        for (Conn d : handedOver) {
            d.closeGracefully(1000, "done", Duration.ofMillis(200));
        }
        if (c != null) {
            c.closeGracefully(1000, "done", Duration.ofSeconds(2)).join();
        }
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    // ------------------------------------------------------------------ connecting

    /**
     * Opens a connection and completes once {@code setupComplete} arrived; fails with a
     * {@link LiveClientException} otherwise. Never blocks the caller.
     */
    private CompletableFuture<Conn> connect(String tok, URI url, String handle) {
        return connect(new Conn(), tok, url, handle);
    }

    private CompletableFuture<Conn> connect(Conn c, String tok, URI url, String handle) {
        String base = url.toString();
        URI uri = options.tokenInHeader()
                ? url
                // the JS SDK and Google's examples send the token unencoded, slash included
                : URI.create(base + (base.contains("?") ? "&" : "?") + "access_token=" + tok);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(options.connectTimeout());
        if (options.tokenInHeader()) {
            b.header("Authorization", "Token " + tok);
        }
        long timeout = options.connectTimeout().toMillis();
        return b.buildAsync(uri, c)
                .exceptionallyCompose(t -> CompletableFuture.failedFuture(unreachable(unwrap(t))))
                .thenCompose(ws -> {
                    c.ws = ws;
                    c.enqueue(-1, setup(handle));
                    // Always bounded: a server that closes before setupComplete must not hang us.
                    return CompletableFuture.anyOf(c.setupComplete, c.closed)
                            .orTimeout(timeout, TimeUnit.MILLISECONDS)
                            .handle((x, t) -> {
                                if (c.setupComplete.isDone()) {
                                    return c;
                                }
                                if (c.closed.isDone()) {
                                    throw closedByServer(c.closeCode, c.closeReason);
                                }
                                ws.abort();
                                throw new LiveClientException(
                                        LiveClientException.Kind.LIVE_UNREACHABLE,
                                        "The Live API did not complete the setup in " + timeout + " ms.",
                                        t);
                            });
                });
    }

    private LiveClientException unreachable(Throwable cause) {
        int status =
                cause instanceof WebSocketHandshakeException h ? h.getResponse().statusCode() : 0;
        String what = status != 0
                ? "HTTP " + status + " on the WebSocket upgrade"
                : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage());
        return new LiveClientException(
                LiveClientException.Kind.LIVE_UNREACHABLE,
                "Cannot open the Live API " + "WebSocket at " + options.websocketUrl() + ": " + what,
                status,
                cause);
    }

    private String setup(String handle) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode s = root.putObject("setup");
        s.put("model", options.model());
        ObjectNode gen = s.putObject("generationConfig");
        gen.putArray("responseModalities").add("AUDIO");
        if (options.targetLanguageCode() != null) {
            ObjectNode tc = gen.putObject("translationConfig").put("targetLanguageCode", options.targetLanguageCode());
            if (options.echoTargetLanguage() != null) {
                tc.put("echoTargetLanguage", options.echoTargetLanguage());
            }
        }
        s.putObject("inputAudioTranscription");
        s.putObject("outputAudioTranscription");
        // Without compression an audio-only session ends after 15 minutes (protocol §5).
        s.putObject("contextWindowCompression").putObject("slidingWindow");
        // transparent: updates then say which of our messages the handle's state includes (REF)
        ObjectNode sr = s.putObject("sessionResumption").put("transparent", true);
        if (handle != null) {
            sr.put("handle", handle);
        }
        return root.toString();
    }

    private static LiveClientException closedByServer(int code, String reason) {
        return new LiveClientException(
                LiveClientException.Kind.CLOSED_BY_SERVER,
                "The Live API closed the connection: code " + code
                        + (reason == null || reason.isEmpty() ? "" : ", reason \"" + reason + "\""),
                code,
                reason,
                null);
    }

    // ------------------------------------------------------------------ receiving

    private void onMessage(Conn c, String text) {
        lastMessageNanos = System.nanoTime();
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (IOException e) {
            return; // not ours to fix; the server will close if it matters
        }
        if (m.has("setupComplete")) {
            c.setupComplete.complete(null);
        }
        JsonNode sc = m.path("serverContent");
        for (JsonNode part : sc.path("modelTurn").path("parts")) {
            JsonNode data = part.path("inlineData").path("data");
            if (data.isTextual()) {
                String d = data.asText();
                byte[] pcm = d.indexOf('-') >= 0 || d.indexOf('_') >= 0
                        ? Base64.getUrlDecoder().decode(d)
                        : Base64.getDecoder().decode(d);
                if (firstAudioNanos == 0) {
                    firstAudioNanos = System.nanoTime();
                }
                listener.onAudio(pcm);
            }
        }
        transcript(sc.path("inputTranscription"), true);
        transcript(sc.path("outputTranscription"), false);
        JsonNode um = m.path("usageMetadata");
        JsonNode upd = m.path("sessionResumptionUpdate");
        boolean goAway = m.has("goAway");
        if (c.retired || (c.candidate && c != current())) {
            // A handed-over session still delivers its audio and transcripts (above), but its
            // handles, confirmations, usage and goAway are no longer the conversation's; a session
            // about to take over keeps its handle until it does.
            if (c.candidate && upd.path("resumable").asBoolean(false)) {
                c.candidateHandle = upd.path("newHandle").asText(null);
            }
            synchronized (lock) {
                lock.notifyAll();
            }
            return;
        }
        synchronized (lock) {
            if (um.isObject()) {
                // cumulative: keep the latest, never sum (protocol §7)
                usage = new Usage(
                        um.path("promptTokenCount").asLong(),
                        um.path("responseTokenCount").asLong(),
                        um.path("totalTokenCount").asLong());
            }
            if (upd.path("resumable").asBoolean(false)
                    && !upd.path("newHandle").asText("").isEmpty()) {
                latestHandle = upd.path("newHandle").asText();
                JsonNode idx = upd.get("lastConsumedClientMessageIndex");
                if (idx != null) {
                    indexSeen = true;
                    long confirmedSeq = c.seqAtOrBefore(idx.asLong());
                    while (!unconfirmed.isEmpty() && unconfirmed.peekFirst().seq() <= confirmedSeq) {
                        unconfirmed.removeFirst();
                    }
                }
            }
            lock.notifyAll();
        }
        if (goAway) {
            listener.onGoAway(m.path("goAway").path("timeLeft").asText(""));
            dropped(c, "goAway", 0, null);
        }
        if (m.has("error")) {
            // not documented for the Live API, handled defensively (protocol §5)
            fail(new LiveClientException(
                    LiveClientException.Kind.CLOSED_BY_SERVER,
                    "The Live API reported an error: "
                            + m.path("error").path("message").asText("")));
        }
    }

    private void transcript(JsonNode t, boolean source) {
        if (t.isObject() && (t.has("text") || t.path("finished").asBoolean(false))) {
            listener.onTranscript(
                    source,
                    t.path("text").asText(""),
                    t.path("languageCode").asText(null),
                    t.path("finished").asBoolean(false));
        }
    }

    private void onClosed(Conn c, int code, String reason) {
        c.closeCode = code;
        c.closeReason = reason;
        if (!c.retired) {
            // a handed-over session ending (its token expiring, say) is not the conversation's close
            lastCloseCode = code;
            lastCloseReason = reason;
        }
        c.closed.complete(null);
        dropped(c, code + (reason == null || reason.isEmpty() ? "" : " " + reason), code, reason);
    }

    // ------------------------------------------------------------------ recovering

    /** The current connection ended or is ending: recover unless this is fatal. */
    private void dropped(Conn c, String cause, int code, String reason) {
        synchronized (lock) {
            if (c != current || state != State.OPEN) {
                return;
            }
            current = null;
            state = State.RECOVERING;
            attempts = 0;
            dropNanos = System.nanoTime();
            dropCause = cause;
            lock.notifyAll();
        }
        LiveClientException fatal = code == 0 ? null : classify(code, reason);
        if (fatal != null) {
            c.closeGracefully(1000, "bye", Duration.ofMillis(200));
            fail(fatal);
            return;
        }
        long delay = code == 0 || code == 1001 || code == 1000 ? 0 : backoff(1, code, reason);
        // Close the old socket first: Google refuses a resume while it is open (protocol §7).
        c.closeGracefully(1000, "resuming", Duration.ofSeconds(1)).thenRun(() -> schedule(delay));
    }

    /**
     * What to do about a close: null to resume (after setting the flags for a new token or a new
     * session), or the exception to fail with. Built on the close dictionary of protocol §5 and §7.
     */
    private LiveClientException classify(int code, String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (code == 1008) {
            if (r.contains("expired") || r.contains("no longer allows new sessions") || r.contains("no uses left")) {
                synchronized (lock) {
                    renewNeeded = true;
                    renewReason = reason;
                    newSessionNeeded = newSessionNeeded || r.contains("no uses left");
                }
                return options.renewer() == null ? closedByServer(code, reason) : null;
            }
            if (r.contains("session not found") || r.contains("session duration limit")) {
                synchronized (lock) {
                    newSessionNeeded = true;
                }
                return null;
            }
            if (r.contains("time limit") || r.contains("resumed on another connection")) {
                return null;
            }
            return closedByServer(code, reason);
        }
        if (code == 1007) {
            return closedByServer(code, reason);
        }
        return null; // 1000/1001/1006/1011 and anything else: resume
    }

    private long backoff(int attempt, int code, String reason) {
        Recovery p = options.recovery();
        long base = p.initialBackoff().toMillis();
        String r = reason == null ? "" : reason;
        if (code == 429 || r.contains("RESOURCE_EXHAUSTED") || r.contains("unavailable")) {
            base *= 5; // quota and overload: give the server room
        }
        long exp = Math.min(p.maxBackoff().toMillis(), base << Math.min(20, attempt - 1));
        return (long) (exp * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5));
    }

    private void schedule(long delayMillis) {
        try {
            scheduler.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /** One reconnection attempt, on the scheduler thread; never holds the lock across I/O. */
    private void attempt() {
        String tok;
        URI url;
        String handle;
        int n;
        boolean renew;
        String why;
        synchronized (lock) {
            if (state != State.RECOVERING) {
                return;
            }
            if (handingOver) {
                // a renewal ahead is under way: its new session will be the recovery (handOver),
                // and a second renewal now would only race it
                schedule(50);
                return;
            }
            n = ++attempts;
            long spent = System.nanoTime() - dropNanos;
            if (n > options.recovery().maxAttempts()
                    || spent > options.recovery().budget().toNanos()) {
                failLocked(new LiveClientException(
                        LiveClientException.Kind.RECOVERY_EXHAUSTED,
                        String.format(
                                Locale.ROOT,
                                "Gave up resuming after %d attempts in %.1f s (budget %d attempts, %d s); last close: %s",
                                n - 1,
                                spent / 1e9,
                                options.recovery().maxAttempts(),
                                options.recovery().budget().toSeconds(),
                                lastCloseCode == 0 ? dropCause : lastCloseCode + " " + lastCloseReason),
                        (int) lastCloseCode,
                        lastCloseReason,
                        null));
                return;
            }
            renew = renewNeeded;
            renewNeeded = false;
            why = renewReason;
        }
        if (renew) {
            MintedToken fresh;
            long asked = System.nanoTime();
            try {
                fresh = options.renewer().renew(why); // an HTTP call: no lock held
            } catch (LiveClientException e) {
                fail(e);
                return;
            }
            synchronized (lock) {
                if (state != State.RECOVERING) {
                    return; // closed or failed meanwhile
                }
                token = fresh.token();
                websocketUrl = URI.create(fresh.websocketUrl());
                // a handle belongs to its token's session: a new token starts a new session
                newSessionNeeded = true;
            }
            listener.onTokenRenewed(why);
            renewAheadOf(fresh.lifetime(), asked);
        }
        synchronized (lock) {
            tok = token;
            url = websocketUrl;
            handle = newSessionNeeded ? null : latestHandle;
        }
        boolean fresh = handle == null;
        connect(tok, url, handle).whenComplete((conn, t) -> {
            if (t == null) {
                resumed(conn, n, fresh);
                return;
            }
            LiveClientException e = asClientException(t);
            int code = e.closeCode();
            LiveClientException fatal =
                    e.kind() == LiveClientException.Kind.CLOSED_BY_SERVER ? classify(code, e.closeReason()) : null;
            if (fatal != null) {
                fail(fatal);
                return;
            }
            if (e.kind() == LiveClientException.Kind.LIVE_UNREACHABLE) {
                // no close frame: what a browser reports as 1006 (an HTTP 429 on the upgrade included)
                lastCloseCode = 1006;
                lastCloseReason = code == 0 ? e.getMessage() : "HTTP " + code + " on the WebSocket upgrade";
            } else {
                lastCloseCode = code;
                lastCloseReason = e.closeReason();
            }
            boolean immediately;
            synchronized (lock) {
                immediately = renewNeeded || (newSessionNeeded && !fresh);
            }
            schedule(immediately ? 0 : backoff(n, code, e.closeReason()));
        });
    }

    private void resumed(Conn next, int attemptCount, boolean newSession) {
        Resumed r;
        synchronized (lock) {
            r = resumedLocked(next, attemptCount, newSession);
        }
        if (r != null) {
            listener.onResumed(r);
        }
    }

    /** {@code next} becomes the session's connection (null if it no longer recovers); call holding the lock. */
    private Resumed resumedLocked(Conn next, int attemptCount, boolean newSession) {
        Resumed r;
        List<Chunk> again;
        if (state != State.RECOVERING) {
            next.closeGracefully(1000, "closed", Duration.ofMillis(200));
            return null;
        }
        again = List.copyOf(unconfirmed);
        for (Chunk c : again) {
            next.enqueue(c.seq(), c.message());
        }
        if (streamEnded) {
            next.enqueue(-1, STREAM_END);
        }
        current = next;
        state = State.OPEN;
        keepAlive(next);
        newSessionNeeded = false;
        long drop = dropNanos;
        r = new Resumed(recoveries.size() + 1, dropCause, -1, attemptCount, newSession);
        recoveries.add(r);
        int index = recoveries.size() - 1;
        lock.notifyAll();
        // recovery time: from the drop to the first audio sent on the new connection
        next.firstAudioSent.thenAccept(at -> {
            synchronized (lock) {
                Resumed old = recoveries.get(index);
                recoveries.set(
                        index,
                        new Resumed(old.number(), old.cause(), (at - drop) / 1e6, old.attempts(), old.newSession()));
            }
        });
        return r;
    }

    // ------------------------------------------------------------------ renewing ahead

    private Conn current() {
        synchronized (lock) {
            return current;
        }
    }

    /**
     * Plans the renewal of a token that lives {@code lifetime} from {@code since} ({@link
     * System#nanoTime()}): {@link Options#renewAhead()} before it expires, or a third of its lifetime
     * for a short one. Nothing when the lifetime is unknown, there is no renewer, or it is switched off.
     */
    private void renewAheadOf(Duration lifetime, long since) {
        long plan;
        synchronized (lock) {
            plan = ++renewPlan; // whatever was planned for the previous token is void
            tokenExpiresNanos = lifetime == null ? 0 : since + lifetime.toNanos();
        }
        if (lifetime == null
                || options.renewer() == null
                || options.renewAhead().isZero()) {
            return;
        }
        long life = lifetime.toNanos();
        long lead = Math.min(options.renewAhead().toNanos(), life / 3);
        long due = since + life - lead - System.nanoTime();
        try {
            scheduler.schedule(() -> renewAhead(plan), Math.max(0, due), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /**
     * The current token expires soon: get the next one and open a session with it next to the
     * current one, then hand the conversation over ({@link #handOver}). While the session is
     * recovering, tries again shortly; if the renewal or the new session fails, the current session
     * goes on and the token is renewed once the server says it expired, as without this.
     */
    private void renewAhead(long plan) {
        Conn old;
        synchronized (lock) {
            if (plan != renewPlan || state == State.CLOSED || state == State.FAILED || handingOver) {
                return;
            }
            if (state != State.OPEN || current == null) {
                if (System.nanoTime() - tokenExpiresNanos < 0) {
                    try {
                        scheduler.schedule(() -> renewAhead(plan), 200, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.RejectedExecutionException e) {
                        // closed meanwhile
                    }
                }
                return;
            }
            handingOver = true;
            old = current;
        }
        MintedToken fresh;
        long asked = System.nanoTime();
        try {
            fresh = options.renewer().renew(RENEWING_AHEAD); // an HTTP call: no lock held
        } catch (LiveClientException e) {
            synchronized (lock) {
                handingOver = false;
            }
            return;
        }
        Conn next = new Conn();
        next.candidate = true;
        connect(next, fresh.token(), URI.create(fresh.websocketUrl()), null).whenComplete((ready, t) -> {
            if (t != null) {
                // the fresh token could not open a session: keep it for the next recovery, which
                // starts a new session with it once the current one ends
                synchronized (lock) {
                    handingOver = false;
                    if (state == State.OPEN || state == State.RECOVERING) {
                        token = fresh.token();
                        websocketUrl = URI.create(fresh.websocketUrl());
                        newSessionNeeded = true;
                        // a recovery waiting for this renewal goes on with the fresh token
                        renewNeeded = false;
                    }
                }
                listener.onTokenRenewed(RENEWING_AHEAD);
                renewAheadOf(fresh.lifetime(), asked);
                return;
            }
            handOver(old, ready, fresh, asked);
        });
    }

    /**
     * Make before break: from now on every chunk goes to {@code next}, a new session on the fresh
     * token; {@code old} is told the stream ended, so it delivers what it still owes for the chunks
     * it already has, and is closed once it had the time to. The chunks it has not confirmed stay
     * with it: it is alive and consumes them, so sending them again would translate them twice.
     */
    private void handOver(Conn old, Conn next, MintedToken fresh, long asked) {
        Resumed r;
        long oldExpires;
        synchronized (lock) {
            handingOver = false;
            if (state == State.RECOVERING) {
                // The old session dropped (its token expired first on a slow renewal, say) and is
                // being recovered: the new session is the recovery, in one step so a reconnection
                // attempt cannot come between. What the old one had not confirmed goes to the new
                // one, as after any renewal.
                token = fresh.token();
                websocketUrl = URI.create(fresh.websocketUrl());
                renewNeeded = false;
                latestHandle = next.candidateHandle;
                next.candidate = false;
                r = resumedLocked(next, 1, true);
            } else {
                r = null;
            }
        }
        if (r != null) {
            listener.onTokenRenewed(RENEWING_AHEAD);
            renewAheadOf(fresh.lifetime(), asked);
            listener.onResumed(r);
            return;
        }
        synchronized (lock) {
            if (state != State.OPEN || current != old) {
                next.closeGracefully(1000, "not needed", Duration.ofMillis(200));
                return; // closed or failed in between: nothing to hand over
            }
            oldExpires = tokenExpiresNanos;
            old.retired = true;
            old.enqueue(-1, STREAM_END);
            stopKeepalive(old);
            draining.add(old);
            unconfirmed.clear();
            if (streamEnded) {
                next.enqueue(-1, STREAM_END);
            }
            next.candidate = false;
            current = next;
            token = fresh.token();
            websocketUrl = URI.create(fresh.websocketUrl());
            latestHandle = next.candidateHandle;
            newSessionNeeded = false;
            usage = new Usage(0, 0, 0);
            keepAlive(next);
            long switched = System.nanoTime();
            r = new Resumed(recoveries.size() + 1, RENEWING_AHEAD, -1, 1, true);
            recoveries.add(r);
            int index = recoveries.size() - 1;
            next.firstAudioSent.thenAccept(at -> {
                synchronized (lock) {
                    Resumed o = recoveries.get(index);
                    recoveries.set(
                            index, new Resumed(o.number(), o.cause(), (at - switched) / 1e6, o.attempts(), true));
                }
            });
            lock.notifyAll();
        }
        listener.onTokenRenewed(RENEWING_AHEAD);
        renewAheadOf(fresh.lifetime(), asked);
        // the old session closes itself when its token expires; until then it may finish its output
        long drain = Math.min(HANDOVER_DRAIN.toNanos(), Math.max(0, oldExpires - System.nanoTime()));
        try {
            scheduler.schedule(
                    () -> {
                        synchronized (lock) {
                            draining.remove(old);
                        }
                        old.closeGracefully(1000, "handed over", Duration.ofSeconds(1));
                    },
                    drain,
                    TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            old.closeGracefully(1000, "handed over", Duration.ofMillis(200));
        }
    }

    // ------------------------------------------------------------------ keepalive

    /** Pings {@code c} every interval while it is the current connection. */
    private void keepAlive(Conn c) {
        long every = options.keepalive().interval().toMillis();
        if (every <= 0) {
            return;
        }
        try {
            c.keepalive = scheduler.scheduleWithFixedDelay(() -> ping(c), every, every, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void ping(Conn c) {
        synchronized (lock) {
            if (c != current || state != State.OPEN) {
                stopKeepalive(c);
                return;
            }
        }
        long sent = System.nanoTime();
        WebSocket w = c.ws;
        // never blocks; fails at once if the previous ping is still stuck in the socket (no pong then either)
        w.sendPing(ByteBuffer.allocate(0)).exceptionally(t -> null);
        long timeout = options.keepalive().pongTimeout().toMillis();
        try {
            scheduler.schedule(
                    () -> {
                        if (c.lastPongNanos - sent < 0) {
                            pongMissed(c, timeout);
                        }
                    },
                    timeout,
                    TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    /**
     * No pong in time: the connection is dead though its TCP connection looks open. Drop it without
     * a close handshake (which could not complete) and resume.
     */
    private void pongMissed(Conn c, long timeoutMillis) {
        synchronized (lock) {
            if (c != current || state != State.OPEN) {
                return; // already dropped for another reason
            }
        }
        WebSocket w = c.ws;
        stopKeepalive(c);
        lastCloseCode = 1006;
        lastCloseReason = "no pong within " + timeoutMillis + " ms";
        c.closeCode = 1006;
        c.closeReason = lastCloseReason;
        c.closed.complete(null);
        dropped(c, "1006 " + lastCloseReason, 0, null);
        w.abort();
    }

    private static void stopKeepalive(Conn c) {
        java.util.concurrent.ScheduledFuture<?> k = c.keepalive;
        if (k != null) {
            k.cancel(false);
        }
    }

    private void fail(LiveClientException e) {
        Conn c;
        synchronized (lock) {
            c = current;
            failLocked(e);
        }
        if (c != null) {
            c.closeGracefully(1000, "failed", Duration.ofMillis(200));
        }
    }

    private void failLocked(LiveClientException e) {
        if (state == State.CLOSED || state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        failure = e;
        current = null;
        lock.notifyAll();
    }

    private static LiveClientException asClientException(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof LiveClientException e) {
            return e;
        }
        if (c instanceof TimeoutException) {
            return new LiveClientException(
                    LiveClientException.Kind.LIVE_UNREACHABLE, "The Live API did not answer in time.", c);
        }
        return new LiveClientException(
                LiveClientException.Kind.LIVE_UNREACHABLE,
                "The Live API connection failed: " + c.getClass().getSimpleName(),
                c);
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** One WebSocket connection of the session. */
    private final class Conn implements WebSocket.Listener {
        final CompletableFuture<Void> setupComplete = new CompletableFuture<>();
        final CompletableFuture<Void> closed = new CompletableFuture<>();
        /** Completes with the {@link System#nanoTime()} at which the first audio chunk was sent. */
        final CompletableFuture<Long> firstAudioSent = new CompletableFuture<>();

        final StringBuilder partial = new StringBuilder();
        final ByteArrayOutputStream partialBinary = new ByteArrayOutputStream();
        /** Audio message index on this connection → chunk seq, in sending order (guarded by this). */
        final ArrayDeque<long[]> indexToSeq = new ArrayDeque<>();

        volatile WebSocket ws;
        volatile java.util.concurrent.ScheduledFuture<?> keepalive;
        /** Opened to take over from the current session (a renewal ahead of the expiry). */
        volatile boolean candidate;
        /** The latest handle a candidate received before it took over. */
        volatile String candidateHandle;
        /** Handed over to a newer session: what it still delivers is heard, nothing else. */
        volatile boolean retired;
        /** {@link System#nanoTime()} of the latest pong; initially long before any ping. */
        volatile long lastPongNanos = System.nanoTime() - TimeUnit.DAYS.toNanos(1);

        volatile int closeCode;
        volatile String closeReason;
        private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);
        private long index = -1;

        /**
         * Queues a message behind the previous one (the JDK WebSocket allows one send at a time);
         * returns at once. {@code seq} is the chunk's number, or -1 for a message that is not audio.
         */
        synchronized void enqueue(long seq, String msg) {
            long i = ++index;
            if (seq >= 0) {
                indexToSeq.add(new long[] {i, seq});
            }
            tail = tail.thenCompose(x -> ws.sendText(msg, true))
                    .thenRun(() -> {
                        if (seq >= 0 && !firstAudioSent.isDone()) {
                            firstAudioSent.complete(System.nanoTime());
                        }
                    })
                    .exceptionally(t -> null); // a failed send shows up as a close or an error
        }

        /** The newest chunk seq sent at or before message index {@code k}; -1 if none. */
        synchronized long seqAtOrBefore(long k) {
            long seq = -1;
            while (!indexToSeq.isEmpty() && indexToSeq.peekFirst()[0] <= k) {
                seq = indexToSeq.removeFirst()[1];
            }
            return seq;
        }

        /** Sends a close and completes when the server answers it, or after {@code wait} (then aborts). */
        CompletableFuture<Void> closeGracefully(int code, String reason, Duration wait) {
            WebSocket w = ws;
            if (w == null || closed.isDone()) {
                return CompletableFuture.completedFuture(null);
            }
            if (!w.isOutputClosed()) {
                synchronized (this) {
                    tail = tail.thenCompose(x -> w.sendClose(code, reason)).exceptionally(t -> null);
                }
            }
            return closed.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
                    .thenRun(() -> {
                        if (!w.isInputClosed()) {
                            w.abort();
                        }
                    });
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                onMessage(this, text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            // Google sends its JSON in binary frames (docs/live-api-protocol.md §4); join the bytes
            // before decoding, so a character split across fragments survives
            byte[] b = new byte[data.remaining()];
            data.get(b);
            partialBinary.writeBytes(b);
            if (last) {
                String text = partialBinary.toString(StandardCharsets.UTF_8);
                partialBinary.reset();
                onMessage(this, text);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            lastPongNanos = System.nanoTime();
            synchronized (lock) {
                lock.notifyAll(); // awaitIdle waits for a proof of life
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            onClosed(this, statusCode, reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            // no close frame: a network drop, as browsers report it (1006, protocol §7)
            onClosed(this, 1006, "");
        }
    }
}
