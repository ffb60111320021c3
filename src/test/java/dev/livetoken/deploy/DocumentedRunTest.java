package dev.livetoken.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.livetoken.bootstrap.ProductionSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What an operator copies from the docs starts the service: the documented {@code docker run} and
 * the compose file give every setting a production start requires
 * ({@link ProductionSettings#REQUIRED}), and no documented secret is written with a trailing newline.
 */
class DocumentedRunTest {

    private static final Pattern FENCE = Pattern.compile("(?ms)^```(?:sh|shell|bash)\\n(.*?)^```");

    /** The first shell block of a Markdown text that contains {@code marker}. */
    static String shellBlock(String markdown, String marker) {
        Matcher m = FENCE.matcher(markdown);
        while (m.find()) {
            if (m.group(1).contains(marker)) {
                return m.group(1);
            }
        }
        return fail("no shell block with '" + marker + "'");
    }

    /** The {@code -e NAME[=value]} settings of the block's {@code docker run}, NAME → value (null: taken from the shell). */
    static Map<String, String> dockerRunEnv(String block) {
        String joined = block.replaceAll("\\\\\\n", " ");
        String run = joined.lines()
                .filter(l -> l.strip().startsWith("docker run"))
                .findFirst()
                .orElseGet(() -> fail("no docker run line"));
        List<String> words = new ArrayList<>(List.of(run.strip().split("\\s+")));
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < words.size() - 1; i++) {
            if (words.get(i).equals("-e") || words.get(i).equals("--env")) {
                String setting = words.get(i + 1);
                int eq = setting.indexOf('=');
                env.put(eq < 0 ? setting : setting.substring(0, eq), eq < 0 ? null : setting.substring(eq + 1));
            }
        }
        return env;
    }

    /** Every required variable is set by the command (a value-less -e NAME only if the block exports NAME first). */
    static void setsEveryRequiredSetting(String block) {
        Map<String, String> env = dockerRunEnv(block);
        for (String name : ProductionSettings.REQUIRED) {
            assertTrue(
                    env.containsKey(name) || env.containsKey(name + "_FILE"),
                    "the documented docker run does not set " + name + ": the service would refuse to start");
            if (env.containsKey(name) && env.get(name) == null) {
                assertTrue(
                        block.matches("(?s).*\\bexport " + name + "=.*"),
                        "-e " + name + " passes the shell's " + name + ", but the documented commands never set it");
            }
        }
    }

    @Test
    void theDocumentedDockerRunSetsEveryRequiredSetting() {
        String block = shellBlock(RepoFiles.read("deploy/README.md"), "docker run --rm");
        setsEveryRequiredSetting(block);
        assertTrue(
                dockerRunEnv(block).containsKey("LIVETOKEN_DEFAULT_POLICY_SEED")
                        || dockerRunEnv(block).containsKey("LIVETOKEN_BOOTSTRAP_POLICIES_FILE"),
                "the try-out docker run must give its users a policy, or every one of them gets 403 unknown-tenant");
    }

    @Test
    void theRuleCatchesAMissingSetting() {
        String block = shellBlock(RepoFiles.read("deploy/README.md"), "docker run --rm");
        assertThrows(
                AssertionError.class,
                () -> setsEveryRequiredSetting(block.replace("-e LIVETOKEN_AUDIT_HMAC_KEY ", "")));
        assertThrows(
                AssertionError.class,
                () -> setsEveryRequiredSetting(block.replaceAll("export LIVETOKEN_AUDIT_HMAC_KEY=\\S+", "")));
        assertThrows(
                AssertionError.class,
                () -> setsEveryRequiredSetting(
                        "docker run --rm -e GEMINI_API_KEY=k -e MP_JWT_VERIFY_ISSUER=i image\n"));
    }

    @Test
    void theComposeServiceSetsEveryRequiredSetting() {
        JsonNode env = RepoFiles.readYaml("deploy/compose.yaml")
                .path("services")
                .path("live-token")
                .path("environment");
        for (String name : ProductionSettings.REQUIRED) {
            assertTrue(
                    env.has(name) || env.has(name + "_FILE"),
                    "compose.yaml does not set " + name + " (nor " + name + "_FILE)");
        }
    }

    @Test
    void noDocumentedSecretIsWrittenWithATrailingNewline() {
        for (String doc : List.of("k8s/README.md", "deploy/README.md")) {
            List<String> bad = newlineSecretWrites(RepoFiles.read(doc));
            assertEquals(
                    List.of(),
                    bad,
                    doc + " writes a secret file with `openssl rand ... >`, which ends it in a newline");
        }
        assertFalse(newlineSecretWrites("openssl rand -hex 32 > audit-hmac-key.txt\n")
                .isEmpty());
        assertTrue(newlineSecretWrites("openssl rand -hex 32 | tr -d '\\n' > audit-hmac-key.txt\n")
                .isEmpty());
    }

    /** Lines that redirect {@code openssl rand} straight into a file (its output ends in a newline). */
    static List<String> newlineSecretWrites(String text) {
        return text.lines()
                .filter(l -> l.contains("openssl rand") && l.matches(".*openssl rand[^|]*>.*"))
                .toList();
    }
}
