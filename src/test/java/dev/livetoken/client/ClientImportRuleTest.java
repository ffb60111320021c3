package dev.livetoken.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference client must be liftable into any app: JDK and Jackson only, no server code. */
class ClientImportRuleTest {

    static final Path CLIENT_SOURCES = Path.of("src/main/java/dev/livetoken/client");
    static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    static final Pattern SERVER_REFERENCE = Pattern.compile("dev\\.livetoken\\.(?!client\\b)\\w+");

    @Test
    void clientImportsOnlyTheJdkAndJackson() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(CLIENT_SOURCES)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        assertTrue(files.size() >= 5, "client sources found: " + files);
        for (Path f : files) {
            String src = Files.readString(f);
            Matcher m = IMPORT.matcher(src);
            while (m.find()) {
                String imp = m.group(2);
                boolean ok = imp.startsWith("java.")
                        || imp.startsWith("javax.sound.")
                        || imp.startsWith("javax.net.")
                        || imp.startsWith("com.fasterxml.jackson.")
                        || imp.startsWith("dev.livetoken.client.");
                if (!ok) {
                    violations.add(f.getFileName() + ": import " + imp);
                }
            }
            Matcher q = SERVER_REFERENCE.matcher(src);
            while (q.find()) {
                violations.add(f.getFileName() + ": refers to " + q.group());
            }
        }
        assertEquals(List.of(), violations);
    }
}
