package dev.livetoken.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import static org.junit.jupiter.api.Assertions.fail;

/** Locates and reads the repository's deploy and k8s files for the offline deploy tests. */
final class RepoFiles {

    static final ObjectMapper YAML = new YAMLMapper();

    private RepoFiles() {}

    /** The repository root: the working directory Maven runs tests in (it holds pom.xml). */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("k8s"))) {
                return p;
            }
        }
        return fail("cannot find the repository root (pom.xml next to k8s/) from " + dir);
    }

    static Path path(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            fail("missing " + relative);
        }
        return p;
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readYaml(String relative) {
        try {
            return YAML.readTree(read(relative));
        } catch (IOException e) {
            return fail(relative + " is not valid YAML: " + e.getMessage());
        }
    }
}
