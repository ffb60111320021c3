package dev.livetoken.emulator;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Emulates {@code POST /v1beta/models/{model}:streamGenerateContent?alt=sse} in Google's wire shape:
 * {@code text/event-stream}, each event one {@code data: <GenerateContentResponse>} line ended by
 * {@code \r\n\r\n}, text in {@code candidates[0].content.parts[0].text}, every event carrying
 * {@code usageMetadata} and the last one {@code finishReason: "STOP"} with the candidate token count.
 * The "translation" is {@link EmulatedTextTranslation}'s, after a configurable first-byte delay.
 * API keys as for {@code auth_tokens}; an ephemeral token is refused, as Google refuses it outside the
 * Live API. Test hooks in the user text: {@code [[emulator:status=503]]} answers that status before
 * streaming, {@code [[emulator:fail-mid-stream]]} drops the connection after the first chunk.
 */
@ApplicationScoped
public class TextStreamEmulator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> REQUEST_FIELDS = Set.of(
            "contents",
            "systemInstruction",
            "generationConfig",
            "safetySettings",
            "tools",
            "toolConfig",
            "cachedContent",
            "labels",
            "model");
    private static final Pattern MODEL = Pattern.compile("gemini-[a-z0-9.-]{1,100}");
    private static final Pattern STATUS_HOOK = Pattern.compile("\\[\\[emulator:status=(\\d{3})]]");
    static final String FAIL_MID_STREAM = "[[emulator:fail-mid-stream]]";

    private final EmulatorConfig config;
    private final TextEmulatorConfig text;
    private final AtomicLong responses = new AtomicLong();

    TextStreamEmulator(EmulatorConfig config, TextEmulatorConfig text) {
        this.config = config;
        this.text = text;
    }

    void routes(@Observes Router router) {
        if (!config.enabled()) {
            return;
        }
        router.postWithRegex("/(v1beta|v1alpha)/models/([^/:]+):streamGenerateContent")
                .order(-100)
                .handler(BodyHandler.create(false).setBodyLimit(1024 * 1024))
                .handler(this::stream);
    }

    void stream(RoutingContext ctx) {
        if (!ApiKeyCheck.admit(ctx, config.apiKeys(), "Ephemeral tokens are only supported for the Live API.")) {
            return;
        }
        String model = ctx.pathParam("param1");
        if (!MODEL.matcher(model).matches()) {
            GoogleError.send(
                    ctx,
                    404,
                    "NOT_FOUND",
                    "models/" + model + " is not found for API version " + ctx.pathParam("param0")
                            + ", or is not supported for generateContent.");
            return;
        }
        if (!"sse".equals(ctx.request().getParam("alt"))) {
            GoogleError.send(
                    ctx, 400, "INVALID_ARGUMENT", "The emulator serves streamGenerateContent only with alt=sse.");
            return;
        }
        Request r;
        try {
            r = parse(ctx);
        } catch (SetupSchema.InvalidSetup e) {
            GoogleError.send(ctx, 400, "INVALID_ARGUMENT", e.getMessage());
            return;
        }
        Matcher hook = STATUS_HOOK.matcher(r.text());
        if (hook.find()) {
            int code = Integer.parseInt(hook.group(1));
            GoogleError.send(
                    ctx,
                    code,
                    code == 429 ? "RESOURCE_EXHAUSTED" : code == 503 ? "UNAVAILABLE" : "INTERNAL",
                    "Emulated failure.");
            return;
        }
        String translation =
                EmulatedTextTranslation.translate(r.text(), EmulatedTextTranslation.targetOf(r.instruction()));
        List<String> chunks = EmulatedTextTranslation.chunks(translation, text.wordsPerChunk());
        int promptTokens = tokens(r.instruction()) + tokens(r.text());
        String responseId = "emulated-" + responses.incrementAndGet();
        HttpServerResponse resp = ctx.response();
        resp.setStatusCode(200)
                .setChunked(true)
                .putHeader("content-type", "text/event-stream")
                .putHeader("content-disposition", "attachment")
                .putHeader("vary", "Origin, X-Origin, Referer");
        // Google sends the status line at once and the first event when the model has its first token.
        resp.write("");
        boolean failMidStream = r.text().contains(FAIL_MID_STREAM);
        send(
                ctx,
                chunks,
                0,
                model,
                responseId,
                promptTokens,
                failMidStream,
                text.firstByteDelay().toMillis());
    }

    private void send(
            RoutingContext ctx,
            List<String> chunks,
            int i,
            String model,
            String responseId,
            int promptTokens,
            boolean failMidStream,
            long delayMs) {
        ctx.vertx().setTimer(Math.max(1, delayMs), id -> {
            HttpServerResponse resp = ctx.response();
            if (resp.closed() || resp.ended()) {
                return;
            }
            if (failMidStream && i == 1) {
                ctx.request().connection().close();
                return;
            }
            boolean last = i >= chunks.size() - 1;
            String piece = chunks.isEmpty() ? "" : chunks.get(i);
            int outputTokens = chunks.subList(0, Math.min(i + 1, chunks.size())).stream()
                    .mapToInt(TextStreamEmulator::tokens)
                    .sum();
            resp.write("data: " + event(piece, last, model, responseId, promptTokens, outputTokens) + "\r\n\r\n");
            if (last) {
                resp.end();
            } else {
                send(
                        ctx,
                        chunks,
                        i + 1,
                        model,
                        responseId,
                        promptTokens,
                        failMidStream,
                        text.chunkInterval().toMillis());
            }
        });
    }

    /** One {@code GenerateContentResponse}, in the field order Google writes. */
    static String event(
            String piece, boolean last, String model, String responseId, int promptTokens, int outputTokens) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", piece);
        content.put("role", "model");
        if (last) {
            candidate.put("finishReason", "STOP");
        }
        candidate.put("index", 0);
        ObjectNode usage = root.putObject("usageMetadata");
        usage.put("promptTokenCount", promptTokens);
        if (last) {
            usage.put("candidatesTokenCount", outputTokens);
        }
        usage.put("totalTokenCount", promptTokens + (last ? outputTokens : 0));
        usage.putArray("promptTokensDetails")
                .addObject()
                .put("modality", "TEXT")
                .put("tokenCount", promptTokens);
        root.put("modelVersion", model);
        root.put("responseId", responseId);
        return root.toString();
    }

    /** What the emulator was asked: the user's text and the system instruction. */
    record Request(String text, String instruction) {}

    private static Request parse(RoutingContext ctx) {
        JsonNode body;
        try {
            String raw = ctx.body().asString();
            body = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
        } catch (IOException e) {
            throw new SetupSchema.InvalidSetup("Invalid JSON payload received.");
        }
        if (body == null || !body.isObject()) {
            throw new SetupSchema.InvalidSetup("Invalid JSON payload received. Expected an object.");
        }
        ObjectNode camel = JSON.createObjectNode();
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!REQUEST_FIELDS.contains(SetupSchema.camel(f))) {
                throw new SetupSchema.InvalidSetup(
                        "Invalid JSON payload received. Unknown name \"" + f + "\": Cannot find field.");
            }
            camel.set(SetupSchema.camel(f), body.get(f));
        }
        JsonNode contents = camel.get("contents");
        if (contents == null || !contents.isArray() || contents.isEmpty()) {
            throw new SetupSchema.InvalidSetup("* GenerateContentRequest.contents: contents is not specified");
        }
        // The text to work on: the last user turn's text parts.
        JsonNode turn = contents.get(contents.size() - 1);
        String userText = texts(turn.get("parts"));
        if (userText.isEmpty()) {
            throw new SetupSchema.InvalidSetup("* GenerateContentRequest.contents[" + (contents.size() - 1)
                    + "].parts: contents.parts must not be empty.");
        }
        JsonNode system = camel.get("systemInstruction");
        String instruction = system == null ? "" : system.isTextual() ? system.asText() : texts(system.get("parts"));
        return new Request(userText, instruction);
    }

    private static String texts(JsonNode parts) {
        StringBuilder s = new StringBuilder();
        if (parts instanceof ArrayNode a) {
            for (JsonNode p : a) {
                if (p.path("text").isTextual()) {
                    s.append(p.get("text").asText());
                }
            }
        }
        return s.toString();
    }

    /** Roughly Gemini's tokens: one per four characters. */
    static int tokens(String s) {
        return s == null || s.isEmpty() ? 0 : (s.length() + 3) / 4;
    }
}
