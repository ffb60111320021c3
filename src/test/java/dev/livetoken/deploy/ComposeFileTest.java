package dev.livetoken.deploy;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/compose.yaml parses and runs the service read-only, with documented variables and secrets. */
class ComposeFileTest {

    private static final String COMPOSE = RepoFiles.read("deploy/compose.yaml");

    private static JsonNode compose() {
        return ComposeRules.parse(COMPOSE);
    }

    private static ObjectNode service(JsonNode compose) {
        return (ObjectNode) compose.path("services").path(ComposeRules.SERVICE);
    }

    private static ObjectNode env(JsonNode compose) {
        return (ObjectNode) service(compose).path("environment");
    }

    private static void failsWhen(Consumer<JsonNode> rule, Consumer<JsonNode> breakIt) {
        JsonNode c = compose();
        breakIt.accept(c);
        assertThrows(AssertionError.class, () -> rule.accept(c));
    }

    @Test
    void serviceIsReadOnlyWithTmpfsTmp() {
        ComposeRules.serviceIsReadOnlyWithTmpfsTmp(compose());
        failsWhen(ComposeRules::serviceIsReadOnlyWithTmpfsTmp, c -> service(c).put("read_only", false));
        failsWhen(ComposeRules::serviceIsReadOnlyWithTmpfsTmp, c -> service(c).remove("tmpfs"));
    }

    @Test
    void serviceUsesTheDocumentedVariables() {
        ComposeRules.serviceUsesTheDocumentedVariables(compose());
        failsWhen(ComposeRules::serviceUsesTheDocumentedVariables, c -> env(c).put("GEMINI_KEY", "${GEMINI_KEY}"));
        failsWhen(ComposeRules::serviceUsesTheDocumentedVariables, c -> env(c).remove("QUARKUS_DATASOURCE_JDBC_URL"));
        failsWhen(ComposeRules::serviceUsesTheDocumentedVariables, c -> env(c).remove("GEMINI_API_KEY_FILE"));
    }

    @Test
    void secretsAreNeverInline() {
        ComposeRules.secretsAreNeverInline(compose());
        failsWhen(ComposeRules::secretsAreNeverInline, c -> {
            env(c).remove("GEMINI_API_KEY_FILE");
            env(c).put("GEMINI_API_KEY", "AIza-not-a-real-key");
        });
        failsWhen(
                ComposeRules::secretsAreNeverInline,
                c -> ((ObjectNode) c.path("services").path("postgres").path("environment"))
                        .put("POSTGRES_PASSWORD", "postgres"));
        failsWhen(
                ComposeRules::secretsAreNeverInline,
                c -> service(c).putArray("secrets").add("db_password"));
    }

    @Test
    void postgres16AndHealthchecks() {
        ComposeRules.postgres16AndHealthchecks(compose());
        failsWhen(
                ComposeRules::postgres16AndHealthchecks,
                c -> ((ObjectNode) c.path("services").path("postgres")).put("image", "postgres:latest"));
        failsWhen(ComposeRules::postgres16AndHealthchecks, c -> service(c).remove("healthcheck"));
    }

    @Test
    void serviceRunsUnprivileged() {
        ComposeRules.serviceRunsUnprivileged(compose());
        failsWhen(ComposeRules::serviceRunsUnprivileged, c -> service(c).put("user", "0"));
        failsWhen(ComposeRules::serviceRunsUnprivileged, c -> service(c).remove("cap_drop"));
    }

    @Test
    void memoryLimitHoldsTheHeapAndTheRest() {
        ComposeRules.memoryLimitHoldsTheHeapAndTheRest(compose());
        failsWhen(
                ComposeRules::memoryLimitHoldsTheHeapAndTheRest, c -> service(c).put("mem_limit", "384m"));
        failsWhen(
                ComposeRules::memoryLimitHoldsTheHeapAndTheRest, c -> service(c).remove("mem_limit"));
        failsWhen(
                ComposeRules::memoryLimitHoldsTheHeapAndTheRest,
                c -> env(c).put("JAVA_OPTS_APPEND", "-XX:MaxRAMPercentage=75"));
    }

    @Test
    void readmeDocumentsEveryVariableTheServiceIsGiven() {
        String readme = RepoFiles.read("deploy/README.md");
        for (String name : ComposeRules.environment(service(compose())).keySet()) {
            assertTrue(readme.contains(name), "deploy/README.md does not document " + name);
        }
    }
}
