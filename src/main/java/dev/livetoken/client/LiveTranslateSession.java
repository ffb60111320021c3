package dev.livetoken.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Live Translate session over the Live API WebSocket, opened with an ephemeral token. Sends the
 * setup, streams 16 kHz PCM, hands translated 24 kHz audio and transcripts to a {@link Listener},
 * and on {@code goAway} resumes with the latest handle and the same token without losing audio:
 * chunks the server has not confirmed ({@code lastConsumedClientMessageIndex}) and chunks produced
 * while reconnecting are sent again on the new connection. Thread-safe.
 */
public final class LiveTranslateSession implements AutoCloseable {

    /** Receives what the server sends. Called on WebSocket threads: keep it quick. */
    public interface Listener {
        void onAudio(byte[] pcm24k);

        /** A transcript piece; {@code source} is the speaker's side, else the translation. */
        void onTranscript(boolean source, String text, String languageCode, boolean finished);

        default void onGoAway(String timeLeft) {
        }

        default void onResumed(int resumptions) {
        }
    }

    /**
     * How to open the session.
     *
     * @param targetLanguageCode sent as {@code generationConfig.translationConfig} only when not null,
     *        i.e. when the token is unlocked (a locked token overrides it anyway)
     * @param tokenInHeader send {@code Authorization: Token …} instead of {@code ?access_token=}
     */
    public record Options(URI websocketUrl, String token, String model, String targetLanguageCode,
            Boolean echoTargetLanguage, boolean tokenInHeader, Duration connectTimeout) {

        @Override
        public String toString() {
            return "Options[websocketUrl=" + websocketUrl + ", model=" + model + "]";
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Unconfirmed chunks kept for a resend when the server never confirms (50 = 5 s of audio). */
    private static final int MAX_UNACKED = 50;

    private record Pending(Conn conn, long index, String message) {
    }

    private final HttpClient http;
    private final Options options;
    private final Listener listener;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> unacked = new ArrayDeque<>();
    private final List<String> buffered = new ArrayList<>();
    private final AtomicInteger resumptions = new AtomicInteger();
    private Conn current;
    private boolean reconnecting;
    private String latestHandle;
    private volatile boolean closing;
    private volatile LiveClientException failure;
    private volatile long lastMessageNanos = System.nanoTime();
    private volatile long firstSendNanos;
    private volatile long firstAudioNanos;

    private LiveTranslateSession(HttpClient http, Options options, Listener listener) {
        this.http = http;
        this.options = options;
        this.listener = listener;
    }

    /** Connects, sends the setup and waits for {@code setupComplete}. */
    public static LiveTranslateSession open(HttpClient http, Options options, Listener listener) {
        LiveTranslateSession s = new LiveTranslateSession(http, options, listener);
        Conn c = s.connect(null);
        synchronized (s.lock) {
            s.current = c;
        }
        return s;
    }

    /** Sends one chunk of 16 kHz mono PCM16LE (or buffers it while resuming). */
    public void sendAudio(byte[] pcm16k) {
        String msg = "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""
                + Base64.getEncoder().encodeToString(pcm16k) + "\"}}}";
        send(msg);
        if (firstSendNanos == 0) {
            firstSendNanos = System.nanoTime();
        }
    }

    /** Tells the server the audio stream ended, so it flushes what it holds. */
    public void endAudio() {
        send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
    }

    /**
     * Waits for trailing output: returns once nothing arrived for {@code idle} (Live Translate may
     * never send turnComplete), or after {@code max}. Throws if the server closed the session.
     */
    public void awaitIdle(Duration idle, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            throwIfFailed();
            boolean busy;
            synchronized (lock) {
                busy = reconnecting || !buffered.isEmpty();
            }
            if (!busy && System.nanoTime() - lastMessageNanos >= idle.toNanos()) {
                return;
            }
            sleep(20);
        }
    }

    /** Milliseconds from the first chunk sent to the first translated audio, or -1 if none yet. */
    public double timeToFirstAudioMillis() {
        return firstAudioNanos == 0 || firstSendNanos == 0 ? -1 : (firstAudioNanos - firstSendNanos) / 1e6;
    }

    public int resumptions() {
        return resumptions.get();
    }

    @Override
    public void close() {
        closing = true;
        Conn c;
        synchronized (lock) {
            c = current;
        }
        if (c != null) {
            c.closeQuietly(1000, "done");
            try {
                c.closed.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                c.ws.abort();
            }
        }
    }

    private void send(String msg) {
        throwIfFailed();
        synchronized (lock) {
            if (reconnecting) {
                buffered.add(msg);
                return;
            }
            sendTracked(current, msg);
        }
    }

    private void sendTracked(Conn c, String msg) {
        long index = c.send(msg);
        unacked.add(new Pending(c, index, msg));
        while (unacked.size() > MAX_UNACKED) {
            unacked.removeFirst();
        }
    }

    private void throwIfFailed() {
        LiveClientException f = failure;
        if (f != null) {
            throw f;
        }
    }

    private Conn connect(String handle) {
        Conn c = new Conn();
        String base = options.websocketUrl().toString();
        URI uri = options.tokenInHeader() ? options.websocketUrl()
                // the JS SDK and Google's examples send the token unencoded, slash included
                : URI.create(base + (base.contains("?") ? "&" : "?") + "access_token=" + options.token());
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(options.connectTimeout());
        if (options.tokenInHeader()) {
            b.header("Authorization", "Token " + options.token());
        }
        long timeout = options.connectTimeout().toMillis();
        try {
            c.ws = b.buildAsync(uri, c).get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new LiveClientException(LiveClientException.Kind.LIVE_UNREACHABLE, "Cannot open the Live API "
                    + "WebSocket at " + options.websocketUrl() + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveClientException(LiveClientException.Kind.IO, "Interrupted.", e);
        }
        c.send(setup(handle));
        try {
            CompletableFuture.anyOf(c.setupComplete, c.closed).get(timeout, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            c.ws.abort();
            throw new LiveClientException(LiveClientException.Kind.LIVE_UNREACHABLE,
                    "The Live API did not complete the setup in " + timeout + " ms.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveClientException(LiveClientException.Kind.IO, "Interrupted.", e);
        }
        if (!c.setupComplete.isDone()) {
            int[] code = c.closed.join();
            throw closedByServer(code[0], c.closeReason);
        }
        return c;
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
        ObjectNode sr = s.putObject("sessionResumption");
        if (handle != null) {
            sr.put("handle", handle);
        }
        return root.toString();
    }

    private static LiveClientException closedByServer(int code, String reason) {
        return new LiveClientException(LiveClientException.Kind.CLOSED_BY_SERVER,
                "The Live API closed the connection: code " + code + (reason == null || reason.isEmpty() ? ""
                        : ", reason \"" + reason + "\""), code, null);
    }

    private void onMessage(Conn c, String text) {
        lastMessageNanos = System.nanoTime();
        JsonNode m;
        try {
            m = JSON.readTree(text);
        } catch (IOException e) {
            return;         // not ours to fix; the server will close if it matters
        }
        if (m.has("setupComplete")) {
            c.setupComplete.complete(null);
        }
        JsonNode sc = m.path("serverContent");
        for (JsonNode part : sc.path("modelTurn").path("parts")) {
            JsonNode data = part.path("inlineData").path("data");
            if (data.isTextual()) {
                String d = data.asText();
                byte[] pcm = d.indexOf('-') >= 0 || d.indexOf('_') >= 0 ? Base64.getUrlDecoder().decode(d)
                        : Base64.getDecoder().decode(d);
                if (firstAudioNanos == 0) {
                    firstAudioNanos = System.nanoTime();
                }
                listener.onAudio(pcm);
            }
        }
        transcript(sc.path("inputTranscription"), true);
        transcript(sc.path("outputTranscription"), false);
        JsonNode upd = m.path("sessionResumptionUpdate");
        if (upd.path("resumable").asBoolean(false) && !upd.path("newHandle").asText("").isEmpty()) {
            synchronized (lock) {
                if (c == current || current == null) {
                    latestHandle = upd.path("newHandle").asText();
                }
                JsonNode idx = upd.get("lastConsumedClientMessageIndex");
                if (idx != null) {
                    long k = idx.asLong();
                    unacked.removeIf(p -> p.conn() == c && p.index() <= k);
                }
            }
        }
        if (m.has("goAway")) {
            listener.onGoAway(m.path("goAway").path("timeLeft").asText(""));
            resume(c);
        }
        if (m.has("error")) {
            // not documented for the Live API, handled defensively (protocol §5)
            failure = new LiveClientException(LiveClientException.Kind.CLOSED_BY_SERVER,
                    "The Live API reported an error: " + m.path("error").path("message").asText(""));
        }
    }

    private void transcript(JsonNode t, boolean source) {
        if (t.isObject() && (t.has("text") || t.path("finished").asBoolean(false))) {
            listener.onTranscript(source, t.path("text").asText(""), t.path("languageCode").asText(null),
                    t.path("finished").asBoolean(false));
        }
    }

    private void resume(Conn old) {
        synchronized (lock) {
            if (old != current || reconnecting || closing) {
                return;
            }
            reconnecting = true;
            old.goAwaySeen = true;
        }
        Thread t = new Thread(() -> {
            try {
                String handle;
                synchronized (lock) {
                    handle = latestHandle;
                }
                if (handle == null) {
                    throw new LiveClientException(LiveClientException.Kind.CLOSED_BY_SERVER,
                            "The Live API sent goAway but no resumption handle; cannot resume.");
                }
                Conn next = connect(handle);
                // Give the old connection a moment to confirm chunks still in flight, so they are
                // not sent twice; what stays unconfirmed is sent again on the new connection.
                long until = System.nanoTime() + 500_000_000L;
                while (System.nanoTime() < until && !old.closed.isDone() && hasUnacked(old)) {
                    sleep(5);
                }
                synchronized (lock) {
                    List<String> again = unacked.stream().map(Pending::message).toList();
                    unacked.clear();
                    current = next;
                    for (String msg : again) {
                        sendTracked(next, msg);
                    }
                    for (String msg : buffered) {
                        sendTracked(next, msg);
                    }
                    buffered.clear();
                    reconnecting = false;
                }
                listener.onResumed(resumptions.incrementAndGet());
                // let the old connection deliver its trailing output, then leave
                CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS).execute(() -> old.closeQuietly(1000, "resumed"));
            } catch (LiveClientException e) {
                failure = e;
                synchronized (lock) {
                    reconnecting = false;
                }
            }
        }, "live-resume");
        t.setDaemon(true);
        t.start();
    }

    private boolean hasUnacked(Conn c) {
        synchronized (lock) {
            return unacked.stream().anyMatch(p -> p.conn() == c && p.index() > 0);
        }
    }

    private void onClosed(Conn c, int code, String reason) {
        c.closeReason = reason;
        c.closed.complete(new int[] {code});
        synchronized (lock) {
            if (c == current && !c.goAwaySeen && !closing && failure == null) {
                failure = closedByServer(code, reason);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveClientException(LiveClientException.Kind.IO, "Interrupted.", e);
        }
    }

    /** One WebSocket connection of the session. */
    private final class Conn implements WebSocket.Listener {
        final CompletableFuture<Void> setupComplete = new CompletableFuture<>();
        final CompletableFuture<int[]> closed = new CompletableFuture<>();
        final StringBuilder partial = new StringBuilder();
        final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
        volatile WebSocket ws;
        volatile boolean goAwaySeen;
        volatile String closeReason;
        long index = -1;

        /** Sends a message and returns its index on this connection (the setup is 0). */
        synchronized long send(String msg) {
            try {
                ws.sendText(msg, true).get(10, TimeUnit.SECONDS);
                return ++index;
            } catch (ExecutionException | TimeoutException e) {
                // the server may have closed: prefer its close frame over the send error
                try {
                    int[] code = closed.get(1, TimeUnit.SECONDS);
                    throw closedByServer(code[0], closeReason);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | TimeoutException ignored) {
                    // no close frame: report the send failure
                }
                throw new LiveClientException(LiveClientException.Kind.CLOSED_BY_SERVER,
                        "The Live API connection failed while sending: " + e.getCause(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LiveClientException(LiveClientException.Kind.IO, "Interrupted.", e);
            }
        }

        void closeQuietly(int code, String reason) {
            WebSocket w = ws;
            if (w != null && !w.isOutputClosed()) {
                w.sendClose(code, reason).exceptionally(t -> null);
            }
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
            onClosed(this, 1006, error.getClass().getSimpleName());
        }
    }
}
