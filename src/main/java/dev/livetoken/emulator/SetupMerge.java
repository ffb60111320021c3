package dev.livetoken.emulator;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The effective setup of a Live session: the token's constraints merged with the client's
 * {@code setup} by the {@code fieldMask} rules of docs/live-api-protocol.md §6. Conflicts are
 * overridden by the token, never rejected. Pure: both inputs are already normalised to camelCase.
 */
public final class SetupMerge {

    private SetupMerge() {}

    /**
     * @param tokenSetup the token's {@code bidiGenerateContentSetup}, or null
     * @param fieldMask the token's mask (camelCase paths), or null for "no mask"
     * @param clientSetup the client's {@code setup}, normalised
     * @return a new object; the inputs are not changed
     */
    public static ObjectNode effective(ObjectNode tokenSetup, List<String> fieldMask, ObjectNode clientSetup) {
        ObjectNode out;
        if (fieldMask == null || fieldMask.isEmpty()) {
            // §6 cases 1 and 2: no mask means the token's setup, if any, wins entirely.
            out = tokenSetup == null ? clientSetup.deepCopy() : tokenSetup.deepCopy();
        } else {
            // §6 case 3: the listed paths come from the token; a path the token lacks is removed.
            out = clientSetup.deepCopy();
            for (String path : fieldMask) {
                JsonNode fromToken = tokenSetup == null ? null : at(tokenSetup, path);
                if (fromToken == null) {
                    remove(out, path);
                } else {
                    put(out, path, fromToken.deepCopy());
                }
            }
        }
        // [?] §6 open question: whether a global lock honours the client's resumption handle. The
        // protocol notes recommend always taking the handle from the client, so we do.
        JsonNode clientHandle = at(clientSetup, "sessionResumption.handle");
        JsonNode sr = out.get("sessionResumption");
        if (clientHandle != null) {
            ObjectNode target = sr instanceof ObjectNode o ? o : out.putObject("sessionResumption");
            target.set("handle", clientHandle.deepCopy());
        } else if (sr instanceof ObjectNode o) {
            o.remove("handle");
        }
        return out;
    }

    /** The resumption handle the client asked for, or null for a new session. */
    public static String handle(ObjectNode clientSetup) {
        JsonNode h = at(clientSetup, "sessionResumption.handle");
        return h == null || h.isNull() || !h.isTextual() || h.asText().isEmpty() ? null : h.asText();
    }

    static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String seg : path.split("\\.")) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(seg);
        }
        return n == null || n.isNull() ? null : n;
    }

    private static void put(ObjectNode root, String path, JsonNode value) {
        String[] seg = path.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < seg.length - 1; i++) {
            JsonNode child = n.get(seg[i]);
            n = child instanceof ObjectNode o ? o : n.putObject(seg[i]);
        }
        n.set(seg[seg.length - 1], value);
    }

    private static void remove(ObjectNode root, String path) {
        String[] seg = path.split("\\.");
        ObjectNode n = root;
        for (int i = 0; i < seg.length - 1; i++) {
            if (!(n.get(seg[i]) instanceof ObjectNode o)) {
                return;
            }
            n = o;
        }
        n.remove(seg[seg.length - 1]);
    }

    static ObjectNode empty() {
        return JsonNodeFactory.instance.objectNode();
    }
}
