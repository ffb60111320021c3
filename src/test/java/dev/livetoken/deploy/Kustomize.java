package dev.livetoken.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Renders a kustomize overlay offline with {@code kubectl kustomize} (kustomize v5 is built into
 * kubectl). Missing kubectl is a test failure, not a skip: install it with {@code .ci/install-tools}.
 */
final class Kustomize {

    private static final Map<String, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {}

    /** The overlay names: the folders under {@code k8s/overlays}. */
    static List<String> overlays() {
        try (Stream<Path> dirs = Files.list(RepoFiles.path("k8s/overlays"))) {
            return dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return fail(e);
        }
    }

    /** The overlay's rendered objects, rendered once per test run; callers get their own deep copy. */
    static Manifests render(String overlay) {
        List<JsonNode> docs = RENDERED.computeIfAbsent(overlay, Kustomize::run);
        return new Manifests(
                overlay,
                docs.stream().<JsonNode>map(JsonNode::deepCopy).collect(Collectors.toCollection(ArrayList::new)));
    }

    private static List<JsonNode> run(String overlay) {
        String kubectl = kubectl();
        Path dir = RepoFiles.path("k8s/overlays/" + overlay);
        try {
            Path errFile = Files.createTempFile("kustomize-" + overlay, ".err");
            Process p = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                    .redirectError(errFile.toFile())
                    .start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return fail("kubectl kustomize " + dir + " timed out");
            }
            String err = Files.readString(errFile, StandardCharsets.UTF_8);
            Files.deleteIfExists(errFile);
            if (p.exitValue() != 0) {
                return fail("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "):\n" + err);
            }
            List<JsonNode> docs = new ArrayList<>();
            try (MappingIterator<JsonNode> it =
                    RepoFiles.YAML.readerFor(JsonNode.class).readValues(out)) {
                while (it.hasNext()) {
                    JsonNode doc = it.next();
                    if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                        docs.add(doc);
                    }
                }
            }
            return List.copyOf(docs);
        } catch (IOException e) {
            return fail(
                    "cannot run " + kubectl + " (" + e.getMessage() + "); run .ci/install-tools to install kubectl");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(e);
        }
    }

    /** {@code $KUBECTL}, else kubectl on the PATH; fails with the way to install it. */
    static String kubectl() {
        String override = System.getenv("KUBECTL");
        if (override != null && !override.isBlank()) {
            return override;
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return fail("kubectl not found on PATH (nor $KUBECTL): the k8s manifests cannot be rendered. "
                + "Run .ci/install-tools to install kubectl (kustomize v5 built in), then rerun.");
    }
}
