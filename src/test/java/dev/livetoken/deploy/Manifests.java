package dev.livetoken.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** The objects of one rendered overlay, with lookups the deploy rules share. Mutable for breakage tests. */
record Manifests(String overlay, List<JsonNode> docs) {

    static final String APP = "live-token";

    List<JsonNode> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream()
                .filter(d -> name.equals(d.path("metadata").path("name").asText()))
                .findFirst();
    }

    /** The only object of this kind; fails when there is none or several. */
    ObjectNode one(String kind) {
        List<JsonNode> all = ofKind(kind);
        if (all.size() != 1) {
            fail(overlay + ": expected exactly one " + kind + ", found " + all.size());
        }
        return (ObjectNode) all.get(0);
    }

    ObjectNode deployment() {
        return one("Deployment");
    }

    ObjectNode podSpec() {
        return (ObjectNode) deployment().path("spec").path("template").path("spec");
    }

    ObjectNode podLabels() {
        return (ObjectNode)
                deployment().path("spec").path("template").path("metadata").path("labels");
    }

    /** The service's container (the pod has exactly one). */
    ObjectNode container() {
        JsonNode containers = podSpec().path("containers");
        assertEquals(1, containers.size(), overlay + ": the pod should run exactly one container");
        return (ObjectNode) containers.get(0);
    }

    /** The container's environment as the kubelet builds it: envFrom ConfigMaps, then env literals. */
    Map<String, String> effectiveEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container().path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText(null);
            if (cm != null) {
                JsonNode map = find("ConfigMap", cm)
                        .orElseGet(() -> fail(
                                overlay + ": envFrom names ConfigMap '" + cm + "' which the overlay does not render"));
                map.path("data")
                        .fields()
                        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
        }
        for (JsonNode e : container().path("env")) {
            if (e.has("value")) {
                env.put(e.path("name").asText(), e.path("value").asText());
            } else {
                env.remove(e.path("name").asText());
            }
        }
        return env;
    }

    /** The env entry named so, if the container lists one. */
    Optional<JsonNode> envEntry(String name) {
        for (JsonNode e : container().path("env")) {
            if (name.equals(e.path("name").asText())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** True when every pair of {@code selector} is among {@code labels} (and the selector isn't empty). */
    static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector == null || !selector.isObject() || selector.isEmpty()) {
            return false;
        }
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }
}
