package dev.livetoken.translate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

/**
 * Reads Google's {@code streamGenerateContent?alt=sse} answer as it arrives: events end at a blank
 * line ({@code \r\n\r\n}, {@code \n\n} or {@code \r\r}, as the official SDKs accept), and each
 * {@code data:} payload is one {@code GenerateContentResponse}. Works on bytes, so a UTF-8 character
 * split across network reads is never torn. Not thread-safe: one instance per stream, fed on one thread.
 */
final class GoogleSse {

    /** One {@code GenerateContentResponse}: its text, and what the last one carries. */
    record Chunk(String text, String finishReason, Usage usage, JsonNode error) {}

    /** Token counts from {@code usageMetadata}; null when the upstream gave none. */
    record Usage(Integer promptTokenCount, Integer candidatesTokenCount, Integer totalTokenCount) {}

    /** The answer cannot be read as Google's stream. */
    static final class Malformed extends Exception {
        Malformed(String what) {
            super(what, null, false, false);
        }
    }

    /** No single event may grow beyond this: a stream that never ends an event is not Google's. */
    static final int MAX_EVENT_BYTES = 1 << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Buffer pending = Buffer.buffer();

    /** Adds what arrived; returns the complete events' chunks, in order. */
    List<Chunk> feed(Buffer data) throws Malformed {
        pending.appendBuffer(data);
        List<Chunk> out = new ArrayList<>(2);
        while (true) {
            int[] end = eventEnd(pending);
            if (end == null) {
                if (pending.length() > MAX_EVENT_BYTES) {
                    throw new Malformed("event too large");
                }
                return out;
            }
            String event = pending.getString(0, end[0], StandardCharsets.UTF_8.name());
            pending = pending.getBuffer(end[0] + end[1], pending.length());
            String payload = payload(event);
            if (payload != null) {
                out.add(parse(payload));
            }
        }
    }

    /** What is left unread once the stream ended: only whitespace is fine. */
    boolean hasIncompleteEvent() {
        return !pending.toString(StandardCharsets.UTF_8).isBlank();
    }

    /** Index and length of the first event delimiter, or null. */
    private static int[] eventEnd(Buffer b) {
        int n = b.length();
        for (int i = 0; i < n - 1; i++) {
            byte c = b.getByte(i);
            if (c == '\n' && b.getByte(i + 1) == '\n') {
                return new int[] {i, 2};
            }
            if (c == '\r') {
                if (i + 3 < n && b.getByte(i + 1) == '\n' && b.getByte(i + 2) == '\r' && b.getByte(i + 3) == '\n') {
                    return new int[] {i, 4};
                }
                if (b.getByte(i + 1) == '\r') {
                    return new int[] {i, 2};
                }
            }
        }
        return null;
    }

    /** The event's data, its {@code data:} lines joined (SSE rules); null for comments and empty events. */
    private static String payload(String event) {
        StringBuilder data = null;
        for (String line : event.split("\r\n|\n|\r")) {
            if (line.startsWith("data:")) {
                String v = line.substring(5);
                if (v.startsWith(" ")) {
                    v = v.substring(1);
                }
                data = data == null ? new StringBuilder(v) : data.append('\n').append(v);
            }
        }
        return data == null ? null : data.toString();
    }

    static Chunk parse(String payload) throws Malformed {
        JsonNode root;
        try {
            root = JSON.readTree(payload);
        } catch (IOException e) {
            throw new Malformed("data is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Malformed("data is not a JSON object");
        }
        if (root.has("error")) {
            return new Chunk("", null, null, root.get("error"));
        }
        JsonNode candidate = root.path("candidates").path(0);
        StringBuilder text = new StringBuilder();
        for (JsonNode part : candidate.path("content").path("parts")) {
            // Thought summaries are not translation.
            if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                text.append(part.get("text").asText());
            }
        }
        String finish = candidate.path("finishReason").isTextual()
                ? candidate.get("finishReason").asText()
                : null;
        JsonNode u = root.get("usageMetadata");
        Usage usage = u == null || !u.isObject()
                ? null
                : new Usage(
                        count(u, "promptTokenCount"), count(u, "candidatesTokenCount"), count(u, "totalTokenCount"));
        return new Chunk(text.toString(), finish, usage, null);
    }

    private static Integer count(JsonNode u, String field) {
        JsonNode n = u.get(field);
        return n != null && n.canConvertToInt() ? n.asInt() : null;
    }
}
