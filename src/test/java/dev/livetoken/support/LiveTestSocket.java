package dev.livetoken.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A JDK WebSocket for tests that records every server message and the close frame. */
public final class LiveTestSocket implements WebSocket.Listener {

    /** A close frame as the client saw it. */
    public record Close(int code, String reason) {}

    public static final String PATH =
            "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final java.io.ByteArrayOutputStream partialBinary = new java.io.ByteArrayOutputStream();
    private final java.util.concurrent.atomic.AtomicInteger textFrames =
            new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger binaryFrames =
            new java.util.concurrent.atomic.AtomicInteger();
    private WebSocket socket;

    public static int httpPort() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    public static URI uri(String path, String accessToken) {
        return URI.create(
                "ws://localhost:" + httpPort() + path + (accessToken == null ? "" : "?access_token=" + accessToken));
    }

    public static LiveTestSocket open(String accessToken) {
        return open(uri(PATH, accessToken), Map.of());
    }

    public static LiveTestSocket open(URI uri, Map<String, String> headers) {
        LiveTestSocket s = new LiveTestSocket();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(b::header);
        s.socket = b.buildAsync(uri, s).orTimeout(5, TimeUnit.SECONDS).join();
        return s;
    }

    public LiveTestSocket send(String json) {
        socket.sendText(json, true).join();
        return this;
    }

    /** The next server message, failing the test after a few seconds. */
    public JsonNode next() {
        try {
            JsonNode n = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (n == null) {
                throw new AssertionError("no server message within " + WAIT + "; close=" + closed.getNow(null));
            }
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Skips messages until one carries {@code key} at the top level or under serverContent. */
    public JsonNode nextWith(String key) {
        while (true) {
            JsonNode n = next();
            if (n.has(key) || n.path("serverContent").has(key)) {
                return n;
            }
        }
    }

    public Close awaitClose() {
        return awaitClose(WAIT);
    }

    public Close awaitClose(Duration wait) {
        return closed.orTimeout(wait.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(1000, "bye");
        }
    }

    public BlockingQueue<JsonNode> received() {
        return messages;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            textFrames.incrementAndGet();
            add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    /** Google sends binary frames (docs/live-api-protocol.md §4): bytes are joined before decoding. */
    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] b = new byte[data.remaining()];
        data.get(b);
        partialBinary.writeBytes(b);
        if (last) {
            binaryFrames.incrementAndGet();
            add(partialBinary.toString(StandardCharsets.UTF_8));
            partialBinary.reset();
        }
        webSocket.request(1);
        return null;
    }

    /** Whole server messages received as text frames. */
    public int textMessages() {
        return textFrames.get();
    }

    /** Whole server messages received as binary frames. */
    public int binaryMessages() {
        return binaryFrames.get();
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(new Close(1006, String.valueOf(error)));
    }

    private void add(String text) {
        try {
            messages.add(JSON.readTree(text));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("server sent invalid JSON", e);
        }
    }
}
