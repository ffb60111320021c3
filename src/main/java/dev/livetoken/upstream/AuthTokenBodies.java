package dev.livetoken.upstream;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Builds the {@code POST v1alpha/auth_tokens} body byte for byte as the official SDKs do for the
 * same constraints (docs/live-api-protocol.md §1; golden bodies in {@code design/wire/}): the flat
 * {@code AuthToken} resource, {@code bidiGenerateContentSetup} without a {@code setup} wrapper,
 * and {@code fieldMask} derived from {@code lockAdditionalFields}.
 */
public final class AuthTokenBodies {

    /**
     * Names the Java SDK ({@code Tokens.getFieldMasks}) moves under {@code generationConfig.};
     * any other extra name is kept verbatim, as the SDKs do.
     */
    static final Set<String> GENERATION_CONFIG_FIELDS = Set.of(
            "temperature",
            "topK",
            "top_k",
            "topP",
            "top_p",
            "maxOutputTokens",
            "max_output_tokens",
            "responseModalities",
            "response_modalities",
            "seed",
            "speechConfig",
            "speech_config");

    /** The JS SDK's {@code Date.toISOString()}: always milliseconds, always {@code Z}. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AuthTokenBodies() {}

    public static String timestamp(Instant t) {
        return TIMESTAMP.format(t);
    }

    /** The request body as the SDKs serialise it (key order included). */
    public static byte[] encode(AuthTokenSpec spec) {
        try {
            return JSON.writeValueAsBytes(tree(spec));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot encode an auth token request", e);
        }
    }

    static ObjectNode tree(AuthTokenSpec spec) {
        ObjectNode body = NODES.objectNode();
        if (spec.expireTime() != null) {
            body.put("expireTime", timestamp(spec.expireTime()));
        }
        if (spec.newSessionExpireTime() != null) {
            body.put("newSessionExpireTime", timestamp(spec.newSessionExpireTime()));
        }
        if (spec.uses() != null) {
            body.put("uses", spec.uses());
        }
        ObjectNode setup = spec.constraints() == null ? null : setup(spec.constraints());
        List<String> lock = spec.lockAdditionalFields();
        if (setup != null && !setup.isEmpty()) {
            body.set("bidiGenerateContentSetup", setup);
            if (lock != null) {
                List<String> mask = new ArrayList<>(baseMask(setup));
                for (String name : lock) {
                    mask.add(GENERATION_CONFIG_FIELDS.contains(name) ? "generationConfig." + name : name);
                }
                body.put("fieldMask", String.join(",", mask));
            }
        } else if (lock != null && !lock.isEmpty()) {
            // No constraints: the SDKs drop the setup and send the raw names as the mask.
            body.put("fieldMask", String.join(",", lock));
        }
        return body;
    }

    static ObjectNode setup(LiveSetup c) {
        ObjectNode setup = NODES.objectNode();
        setup.put("model", c.qualifiedModel());
        ObjectNode gen = NODES.objectNode();
        if (c.responseModalities() != null && !c.responseModalities().isEmpty()) {
            var arr = gen.putArray("responseModalities");
            c.responseModalities().forEach(arr::add);
        }
        if (c.translation() != null) {
            ObjectNode t = gen.putObject("translationConfig");
            t.put("targetLanguageCode", c.translation().targetLanguageCode());
            t.put("echoTargetLanguage", c.translation().echoTargetLanguage());
        }
        if (!gen.isEmpty()) {
            setup.set("generationConfig", gen);
        }
        if (c.systemInstruction() != null) {
            // LiveConnectConfig.systemInstruction → setup.systemInstruction {parts:[{text}], role: "user"}, as the
            // SDKs turn a text instruction into a user Content (docs/live-api-protocol.md §10)
            ObjectNode instruction = setup.putObject("systemInstruction");
            instruction.putArray("parts").addObject().put("text", c.systemInstruction());
            instruction.put("role", "user");
        }
        if (c.inputAudioTranscription()) {
            setup.putObject("inputAudioTranscription");
        }
        if (c.outputAudioTranscription()) {
            setup.putObject("outputAudioTranscription");
        }
        return setup;
    }

    /** One entry per top-level key; a non-empty object contributes {@code key.subkey} instead. */
    static List<String> baseMask(ObjectNode setup) {
        List<String> mask = new ArrayList<>();
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = setup.fields(); it.hasNext(); ) {
            var e = it.next();
            var v = e.getValue();
            if (v.isObject() && !v.isEmpty()) {
                v.fieldNames().forEachRemaining(sub -> mask.add(e.getKey() + "." + sub));
            } else {
                mask.add(e.getKey());
            }
        }
        return mask;
    }
}
