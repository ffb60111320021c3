package dev.livetoken.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The parts of {@code BidiGenerateContentSetup} the emulator checks. Google's JSON parser accepts
 * both lowerCamelCase and the proto's snake_case names and rejects unknown names, so the emulator
 * normalises to camelCase and refuses anything it does not know.
 */
public final class SetupSchema {

    /** Thrown for a setup or field mask Google would reject as an invalid argument. */
    public static final class InvalidSetup extends RuntimeException {
        public InvalidSetup(String message) {
            super(message, null, false, false);
        }
    }

    static final Set<String> SETUP_FIELDS = Set.of(
            "model",
            "generationConfig",
            "systemInstruction",
            "tools",
            "realtimeInputConfig",
            "sessionResumption",
            "contextWindowCompression",
            "inputAudioTranscription",
            "outputAudioTranscription",
            "proactivity",
            "historyConfig",
            "avatarConfig",
            "safetySettings",
            // JS SDK 2.32+ sends LiveConnectConfig.labels as setup.labels (docs/live-api-protocol.md §7)
            "labels");

    static final Set<String> GENERATION_CONFIG_FIELDS = Set.of(
            "candidateCount",
            "maxOutputTokens",
            "temperature",
            "topP",
            "topK",
            "presencePenalty",
            "frequencyPenalty",
            "responseModalities",
            "speechConfig",
            "mediaResolution",
            "seed",
            "thinkingConfig",
            "enableAffectiveDialog",
            "translationConfig",
            "stopSequences",
            "responseMimeType",
            "audioTimestamp",
            "responseLogprobs",
            "logprobs");

    static final Set<String> TRANSLATION_CONFIG_FIELDS = Set.of("targetLanguageCode", "echoTargetLanguage");

    /** {@code GenerationConfig.Modality} values (REF). */
    static final Set<String> MODALITIES = Set.of("MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO");

    /**
     * Known fields of the nested setup objects the emulator checks (REF, docs/live-api-protocol.md
     * §3); Google's parser refuses unknown names at any depth.
     */
    static final Map<String, Set<String>> NESTED_FIELDS = Map.of(
            "inputAudioTranscription", Set.of("languageCodes"),
            "outputAudioTranscription", Set.of("languageCodes"),
            "sessionResumption", Set.of("handle", "transparent"),
            "contextWindowCompression", Set.of("triggerTokens", "slidingWindow"),
            "contextWindowCompression.slidingWindow", Set.of("targetTokens"),
            "realtimeInputConfig", Set.of("automaticActivityDetection", "activityHandling", "turnCoverage"),
            "realtimeInputConfig.automaticActivityDetection",
                    Set.of(
                            "disabled",
                            "startOfSpeechSensitivity",
                            "endOfSpeechSensitivity",
                            "prefixPaddingMs",
                            "silenceDurationMs"));

    private SetupSchema() {}

    /** {@code target_language_code} → {@code targetLanguageCode}; camelCase stays as it is. */
    public static String camel(String name) {
        if (name.indexOf('_') < 0) {
            return name;
        }
        StringBuilder b = new StringBuilder(name.length());
        boolean up = false;
        for (char c : name.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }

    /**
     * Checks a setup and returns a copy with camelCase names at the levels we model.
     *
     * @param where the JSON path to name in errors, e.g. {@code bidiGenerateContentSetup}
     */
    public static ObjectNode normalise(JsonNode setup, String where) {
        if (setup == null || !setup.isObject()) {
            throw new InvalidSetup("Invalid value at '" + where + "': expected an object.");
        }
        ObjectNode out = renamed((ObjectNode) setup, SETUP_FIELDS, where);
        JsonNode gen = out.get("generationConfig");
        if (gen != null) {
            if (!gen.isObject()) {
                throw new InvalidSetup("Invalid value at '" + where + ".generation_config': expected an object.");
            }
            ObjectNode g = renamed((ObjectNode) gen, GENERATION_CONFIG_FIELDS, where + ".generation_config");
            JsonNode tc = g.get("translationConfig");
            if (tc != null) {
                if (!tc.isObject()) {
                    throw new InvalidSetup("Invalid value at '" + where
                            + ".generation_config.translation_config': expected an object.");
                }
                ObjectNode t = renamed(
                        (ObjectNode) tc, TRANSLATION_CONFIG_FIELDS, where + ".generation_config.translation_config");
                JsonNode code = t.get("targetLanguageCode");
                if (code == null || !code.isTextual() || code.asText().isBlank()) {
                    throw new InvalidSetup("translation_config.target_language_code is required.");
                }
                JsonNode echo = t.get("echoTargetLanguage");
                if (echo != null && !echo.isBoolean()) {
                    throw new InvalidSetup("Invalid value at '" + where
                            + ".generation_config.translation_config.echo_target_language' (TYPE_BOOL).");
                }
                g.set("translationConfig", t);
            }
            JsonNode modalities = g.get("responseModalities");
            if (modalities != null) {
                if (!modalities.isArray()) {
                    throw new InvalidSetup("Invalid value at '" + where + ".generation_config.response_modalities': "
                            + "expected a list.");
                }
                for (int i = 0; i < modalities.size(); i++) {
                    JsonNode m = modalities.get(i);
                    if (!m.isTextual() || !MODALITIES.contains(m.asText())) {
                        throw new InvalidSetup("Invalid value at '" + where + ".generation_config.response_modalities["
                                + i
                                + "]' (type.googleapis.com/google.ai.generativelanguage.v1alpha.GenerationConfig.Modality), "
                                + m);
                    }
                }
            }
            out.set("generationConfig", g);
        }
        // parents before children: a parent's renaming creates the object its child is looked up in
        for (Map.Entry<String, Set<String>> e : NESTED_FIELDS.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(String::length)))
                .toList()) {
            String[] path = e.getKey().split("\\.");
            ObjectNode parent = out;
            for (int i = 0; i < path.length - 1 && parent != null; i++) {
                parent = parent.get(path[i]) instanceof ObjectNode o ? o : null;
            }
            String leaf = path[path.length - 1];
            JsonNode value = parent == null ? null : parent.get(leaf);
            if (value == null || value.isNull()) {
                continue;
            }
            String at = where + "." + e.getKey();
            if (!value.isObject()) {
                throw new InvalidSetup("Invalid value at '" + at + "': expected an object.");
            }
            parent.set(leaf, renamed((ObjectNode) value, e.getValue(), at));
        }
        JsonNode labels = out.get("labels");
        if (labels != null && !labels.isObject()) {
            throw new InvalidSetup("Invalid value at '" + where + ".labels': expected a map of strings.");
        }
        JsonNode model = out.get("model");
        if (model != null) {
            if (!model.isTextual() || model.asText().isBlank()) {
                throw new InvalidSetup("Invalid value at '" + where + ".model' (TYPE_STRING).");
            }
            out.put("model", dev.livetoken.upstream.ModelNames.qualified(model.asText()));
        }
        return out;
    }

    /**
     * Parses a comma-separated field mask into camelCase paths, refusing unknown fields.
     */
    public static List<String> parseMask(String mask) {
        List<String> out = new ArrayList<>();
        for (String raw : mask.split(",")) {
            String path = raw.trim();
            if (path.isEmpty()) {
                continue;
            }
            String[] seg = path.split("\\.");
            StringBuilder norm = new StringBuilder();
            for (int i = 0; i < seg.length; i++) {
                if (seg[i].isEmpty()) {
                    throw new InvalidSetup("Invalid field mask path '" + path + "'.");
                }
                norm.append(i == 0 ? "" : ".").append(camel(seg[i]));
            }
            String p = norm.toString();
            String[] parts = p.split("\\.");
            if (!SETUP_FIELDS.contains(parts[0])
                    || (parts[0].equals("generationConfig")
                            && parts.length > 1
                            && !GENERATION_CONFIG_FIELDS.contains(parts[1]))) {
                throw new InvalidSetup(
                        "Invalid field mask: '" + path + "' is not a field of BidiGenerateContentSetup.");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    private static ObjectNode renamed(ObjectNode in, Set<String> known, String where) {
        ObjectNode out = in.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = camel(e.getKey());
            if (!known.contains(name)) {
                throw new InvalidSetup("Invalid JSON payload received. Unknown name \"" + e.getKey() + "\" at '" + where
                        + "': Cannot find field.");
            }
            out.set(name, e.getValue());
        }
        return out;
    }
}
