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
        /** @param reason why (the server's close reason); returns the new token and its WebSocket URL */
        MintedToken renew(String reason);
    }

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
     * How to open the session.
     *
     * @param targetLanguageCode sent as {@code generationConfig.translationConfig} only when not null,
     *        i.e. when the token is unlocked (a locked token overrides it anyway)
     * @param tokenInHeader send {@code Authorization: Token …} instead of {@code ?access_token=}
     * @param renewer null when the token cannot be renewed (a token given by the user)
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
            TokenRenewer renewer) {

        public Options(
                URI websocketUrl,
                String token,
                String model,
                String targetLanguageCode,
                Boolean echoTargetLanguage,
                boolean tokenInHeader,
                Duration connectTimeout) {
            this(
                    websocketUrl,
                    token,
                    model,
                    targetLanguageCode,
                    echoTargetLanguage,
                    tokenInHeader,
                    connectTimeout,
                    Recovery.DEFAULT,
                    null);
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
            Conn c = s.connect(options.token(), options.websocketUrl(), null).join();
            synchronized (s.lock) {
                s.current = c;
            }
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
     * (Live Translate may never send turnComplete), or after {@code max}. Throws if the session failed.
     */
    public void awaitIdle(Duration idle, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (true) {
                throwIfFailed();
                long now = System.nanoTime();
                long quietFor = now - lastMessageNanos;
                if (state == State.OPEN && quietFor >= idle.toNanos()) {
                    return;
                }
                long wait = Math.min(deadline - now, Math.max(1, idle.toNanos() - quietFor));
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
        scheduler.shutdownNow();
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
        Conn c = new Conn();
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
        lastCloseCode = code;
        lastCloseReason = reason;
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
            try {
                fresh = options.renewer().renew(why); // an HTTP call: no lock held
            } catch (LiveClientException e) {
                fail(e);
                return;
            }
            synchronized (lock) {
                token = fresh.token();
                websocketUrl = URI.create(fresh.websocketUrl());
                // a handle belongs to its token's session: a new token starts a new session
                newSessionNeeded = true;
            }
            listener.onTokenRenewed(why);
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
        List<Chunk> again;
        synchronized (lock) {
            if (state != State.RECOVERING) {
                next.closeGracefully(1000, "closed", Duration.ofMillis(200));
                return;
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
                            new Resumed(
                                    old.number(), old.cause(), (at - drop) / 1e6, old.attempts(), old.newSession()));
                }
            });
        }
        listener.onResumed(r);
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
