package dev.livetoken.emulator;

import java.util.Base64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The server messages of the emulated Live API, built as Google shapes them
 * (docs/live-api-protocol.md §4-5). Pure: no socket, no session state; {@link LiveConnection}
 * decides when each is sent.
 */
final class LiveMessages {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LiveMessages() {}

    static ObjectNode setupComplete() {
        return JSON.createObjectNode().set("setupComplete", JSON.createObjectNode());
    }

    /** One chunk of output audio, with the session's cumulative usage (protocol §7: do not sum frames). */
    static ObjectNode audio(byte[] pcm, long promptTokens, long responseTokens) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode inline = msg.putObject("serverContent")
                .putObject("modelTurn")
                .putArray("parts")
                .addObject()
                .putObject("inlineData");
        inline.put("mimeType", "audio/pcm;rate=" + EmulatedTranslation.OUTPUT_RATE);
        inline.put("data", Base64.getEncoder().encodeToString(pcm)); // standard alphabet: Jackson decodes it
        msg.set("usageMetadata", usage(promptTokens, responseTokens));
        return msg;
    }

    static ObjectNode usage(long prompt, long response) {
        ObjectNode u = JSON.createObjectNode();
        u.put("promptTokenCount", prompt);
        u.put("responseTokenCount", response);
        u.put("totalTokenCount", prompt + response);
        ArrayNode p = u.putArray("promptTokensDetails");
        p.addObject().put("modality", "AUDIO").put("tokenCount", prompt);
        ArrayNode r = u.putArray("responseTokensDetails");
        r.addObject().put("modality", "AUDIO").put("tokenCount", response);
        return u;
    }

    /** {@code inputTranscription} or {@code outputTranscription}. */
    static ObjectNode transcript(String kind, String text, String lang, boolean finished) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode tr = msg.putObject("serverContent").putObject(kind);
        tr.put("text", text);
        tr.put("languageCode", lang);
        if (finished) {
            tr.put("finished", true);
        }
        return msg;
    }

    static ObjectNode interrupted() {
        ObjectNode m = JSON.createObjectNode();
        m.putObject("serverContent").put("interrupted", true);
        return m;
    }

    static ObjectNode generationComplete() {
        ObjectNode gc = JSON.createObjectNode();
        gc.putObject("serverContent").put("generationComplete", true);
        return gc;
    }

    static ObjectNode turnComplete(long promptTokens, long responseTokens) {
        ObjectNode tc = JSON.createObjectNode();
        tc.putObject("serverContent").put("turnComplete", true);
        tc.set("usageMetadata", usage(promptTokens, responseTokens));
        return tc;
    }

    /** A mid-generation update: not resumable, no handle (protocol §4). */
    static ObjectNode notResumable() {
        ObjectNode msg = JSON.createObjectNode();
        msg.putObject("sessionResumptionUpdate").put("resumable", false);
        return msg;
    }

    /** @param lastConsumedIndex sent only for transparent resumption (REF), else null */
    static ObjectNode resumable(String handle, Long lastConsumedIndex) {
        ObjectNode msg = JSON.createObjectNode();
        ObjectNode u = msg.putObject("sessionResumptionUpdate");
        u.put("newHandle", handle);
        u.put("resumable", true);
        if (lastConsumedIndex != null) {
            u.put("lastConsumedClientMessageIndex", Long.toString(lastConsumedIndex));
        }
        return msg;
    }

    /** @param timeLeft whole seconds only: the Java SDK parses Duration as an integer + "s" (protocol §4) */
    static ObjectNode goAway(String timeLeft) {
        return JSON.createObjectNode().set("goAway", JSON.createObjectNode().put("timeLeft", timeLeft));
    }
}
