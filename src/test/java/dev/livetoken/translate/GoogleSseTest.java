package dev.livetoken.translate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading Google's SSE stream as it arrives, however the network cuts it. */
class GoogleSseTest {

    static final String CHUNK1 =
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hola, \"}],\"role\":\"model\"},\"index\":0}],"
                    + "\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9}}";
    static final String CHUNK2 =
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"señor 😀\"}],\"role\":\"model\"},"
                    + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":4,"
                    + "\"totalTokenCount\":13}}";

    @Test
    void readsEventsSplitAnywhereEvenInsideAUtf8Character() throws Exception {
        byte[] wire = ("data: " + CHUNK1 + "\r\n\r\ndata: " + CHUNK2 + "\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < wire.length; cut++) {
            GoogleSse sse = new GoogleSse();
            List<GoogleSse.Chunk> chunks = new ArrayList<>();
            chunks.addAll(sse.feed(Buffer.buffer(java.util.Arrays.copyOfRange(wire, 0, cut))));
            chunks.addAll(sse.feed(Buffer.buffer(java.util.Arrays.copyOfRange(wire, cut, wire.length))));
            assertThat(chunks).as("cut at %d", cut).hasSize(2);
            assertThat(chunks.get(0).text() + chunks.get(1).text()).isEqualTo("Hola, señor 😀");
            assertThat(chunks.get(0).finishReason()).isNull();
            assertThat(chunks.get(1).finishReason()).isEqualTo("STOP");
            assertThat(chunks.get(1).usage()).isEqualTo(new GoogleSse.Usage(9, 4, 13));
            assertThat(sse.hasIncompleteEvent()).isFalse();
        }
    }

    @Test
    void acceptsEveryDelimiterTheSdksAccept() throws Exception {
        for (String d : List.of("\n\n", "\r\r", "\r\n\r\n")) {
            GoogleSse sse = new GoogleSse();
            List<GoogleSse.Chunk> chunks =
                    sse.feed(Buffer.buffer("data: " + CHUNK1 + d + ": keep-alive comment" + d + "data:" + CHUNK2 + d));
            assertThat(chunks).hasSize(2);
        }
    }

    @Test
    void anIncompleteEventIsNoticed() throws Exception {
        GoogleSse sse = new GoogleSse();
        assertThat(sse.feed(Buffer.buffer("data: " + CHUNK1))).isEmpty();
        assertThat(sse.hasIncompleteEvent()).isTrue();
    }

    @Test
    void anErrorInsideTheStreamIsAnErrorChunk() throws Exception {
        List<GoogleSse.Chunk> chunks = new GoogleSse()
                .feed(Buffer.buffer(
                        "data: {\"error\":{\"code\":503,\"message\":\"overloaded\",\"status\":\"UNAVAILABLE\"}}\n\n"));
        assertThat(chunks.get(0).error().get("code").asInt()).isEqualTo(503);
    }

    @Test
    void thoughtsAreNotTranslation() throws Exception {
        List<GoogleSse.Chunk> chunks = new GoogleSse()
                .feed(Buffer.buffer("data: {\"candidates\":[{\"content\":"
                        + "{\"parts\":[{\"text\":\"thinking…\",\"thought\":true},{\"text\":\"Hola\"}]}}]}\n\n"));
        assertThat(chunks.get(0).text()).isEqualTo("Hola");
    }

    @Test
    void garbageIsMalformed() {
        assertThatThrownBy(() -> new GoogleSse().feed(Buffer.buffer("data: <html>\n\n")))
                .isInstanceOf(GoogleSse.Malformed.class);
        assertThatThrownBy(() -> new GoogleSse().feed(Buffer.buffer("x".repeat(GoogleSse.MAX_EVENT_BYTES + 1))))
                .isInstanceOf(GoogleSse.Malformed.class);
    }
}
