package dev.livetoken.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Static rules for deploy/compose.yaml (no Docker engine on the build machines); see ComposeFileTest. */
final class ComposeRules {

    static final String SERVICE = "live-token";

    /** The variables the service reads (deploy/README.md), and their *_FILE forms for secrets. */
    static final Set<String> DOCUMENTED = Set.of(
            "GEMINI_API_KEY",
            "GEMINI_API_KEY_FILE",
            "LIVETOKEN_UPSTREAM_BASE_URL",
            "LIVETOKEN_EMULATOR_ENABLED",
            "MP_JWT_VERIFY_ISSUER",
            "MP_JWT_VERIFY_AUDIENCES",
            "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
            "MP_JWT_VERIFY_PUBLICKEY_ALGORITHM",
            "QUARKUS_DATASOURCE_DB_KIND",
            "QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_DATASOURCE_USERNAME",
            "QUARKUS_DATASOURCE_PASSWORD",
            "QUARKUS_DATASOURCE_PASSWORD_FILE",
            "LIVETOKEN_AUDIT_HMAC_KEY",
            "LIVETOKEN_AUDIT_HMAC_KEY_FILE",
            "QUARKUS_LOG_CONSOLE_JSON_ENABLED",
            "QUARKUS_HTTP_CORS_ORIGINS",
            "JAVA_OPTS_APPEND");

    private ComposeRules() {}

    static JsonNode service(JsonNode compose, String name) {
        JsonNode s = compose.path("services").path(name);
        assertTrue(s.isObject(), "compose.yaml has no service '" + name + "'");
        return s;
    }

    /** A service's environment, from either the map or the list ("NAME=value") form. */
    static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode e = service.path("environment");
        if (e.isObject()) {
            e.fields()
                    .forEachRemaining(f -> env.put(
                            f.getKey(),
                            f.getValue().isNull() ? null : f.getValue().asText()));
        } else if (e.isArray()) {
            for (JsonNode item : e) {
                String[] kv = item.asText().split("=", 2);
                env.put(kv[0], kv.length > 1 ? kv[1] : null);
            }
        }
        return env;
    }

    static void serviceIsReadOnlyWithTmpfsTmp(JsonNode compose) {
        JsonNode s = service(compose, SERVICE);
        assertTrue(s.path("read_only").asBoolean(false), "service " + SERVICE + " must set read_only: true");
        JsonNode tmpfs = s.path("tmpfs");
        boolean tmp = tmpfs.isTextual()
                ? tmpfs.asText().split(":")[0].equals("/tmp")
                : tmpfs.isArray()
                        && java.util.stream.StreamSupport.stream(tmpfs.spliterator(), false)
                                .anyMatch(t -> t.asText().split(":")[0].equals("/tmp"));
        assertTrue(tmp, "service " + SERVICE + " must mount a tmpfs at /tmp (the only writable path)");
    }

    static void serviceUsesTheDocumentedVariables(JsonNode compose) {
        Map<String, String> env = environment(service(compose, SERVICE));
        for (String name : env.keySet()) {
            assertTrue(
                    DOCUMENTED.contains(name),
                    "service " + SERVICE + " sets " + name + ", which the service does not read");
        }
        for (String required : List.of(
                "QUARKUS_DATASOURCE_DB_KIND",
                "QUARKUS_DATASOURCE_JDBC_URL",
                "QUARKUS_DATASOURCE_USERNAME",
                "MP_JWT_VERIFY_ISSUER",
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION")) {
            assertTrue(env.containsKey(required), "service " + SERVICE + " must set " + required);
        }
        for (String secret : List.of("GEMINI_API_KEY", "QUARKUS_DATASOURCE_PASSWORD", "LIVETOKEN_AUDIT_HMAC_KEY")) {
            assertTrue(
                    env.containsKey(secret) || env.containsKey(secret + "_FILE"),
                    "service " + SERVICE + " must pass " + secret + " or " + secret + "_FILE");
        }
        assertEquals("postgresql", env.get("QUARKUS_DATASOURCE_DB_KIND"), "QUARKUS_DATASOURCE_DB_KIND");
    }

    static void secretsAreNeverInline(JsonNode compose) {
        Set<String> declared = new java.util.HashSet<>();
        compose.path("secrets").fields().forEachRemaining(f -> {
            declared.add(f.getKey());
            JsonNode d = f.getValue();
            assertTrue(
                    d.has("file") || d.has("environment") || d.has("external"),
                    "secret " + f.getKey() + " must come from a file, the environment or an external store");
        });
        compose.path("services").fields().forEachRemaining(svc -> {
            Set<String> granted = new java.util.HashSet<>();
            svc.getValue()
                    .path("secrets")
                    .forEach(g -> granted.add(
                            g.isTextual() ? g.asText() : g.path("source").asText()));
            environment(svc.getValue()).forEach((name, value) -> {
                if (SecretNames.holdsSecret(name)) {
                    assertTrue(
                            value == null || value.isEmpty() || value.matches("\\$\\{[^}]+}"),
                            "service " + svc.getKey() + " sets " + name
                                    + " to a literal; pass it as a secret or from ${...}");
                }
                if (name.endsWith("_FILE") && value != null && value.startsWith("/run/secrets/")) {
                    String secret = value.substring("/run/secrets/".length());
                    assertTrue(
                            granted.contains(secret) && declared.contains(secret),
                            "service " + svc.getKey() + " reads " + value + " but secret '" + secret
                                    + "' is not granted and declared");
                }
            });
        });
        Map<String, String> env = environment(service(compose, SERVICE));
        assertTrue(
                env.containsKey("GEMINI_API_KEY_FILE") || env.containsKey("GEMINI_API_KEY"),
                "the API key must reach the service");
    }

    static void postgres16AndHealthchecks(JsonNode compose) {
        JsonNode pg = service(compose, "postgres");
        assertTrue(
                pg.path("image").asText().matches("postgres:16(\\.\\d+)?(-\\S+)?(@sha256:\\S+)?"),
                "postgres image must be PostgreSQL 16, pinned: "
                        + pg.path("image").asText());
        for (String name : List.of(SERVICE, "postgres")) {
            assertFalse(
                    service(compose, name).path("healthcheck").path("test").isMissingNode(),
                    name + " needs a healthcheck");
        }
        assertEquals(
                "service_healthy",
                service(compose, SERVICE)
                        .path("depends_on")
                        .path("postgres")
                        .path("condition")
                        .asText(),
                SERVICE + " must wait for a healthy postgres");
    }

    static void serviceRunsUnprivileged(JsonNode compose) {
        JsonNode s = service(compose, SERVICE);
        String user = s.path("user").asText("");
        assertTrue(
                user.matches("[1-9]\\d*(:\\d+)?"),
                "service " + SERVICE + " must run as a numeric non-root user, not '" + user + "'");
        assertTrue(
                s.path("cap_drop").toString().contains("\"ALL\""),
                "service " + SERVICE + " must drop ALL capabilities");
        assertFalse(s.path("privileged").asBoolean(false), "service " + SERVICE + " must not be privileged");
    }

    /** As in Kubernetes ({@link K8sRules#limitHoldsTheHeapAndTheRest}): the JVM fits under {@code mem_limit}. */
    static void memoryLimitHoldsTheHeapAndTheRest(JsonNode compose) {
        JsonNode s = service(compose, SERVICE);
        String limit = s.path("mem_limit").asText("");
        assertFalse(limit.isBlank(), "service " + SERVICE + " must set mem_limit");
        K8sRules.limitHoldsTheHeapAndTheRest(
                "service " + SERVICE + " mem_limit " + limit, K8sRules.binaryMebibytes(limit), environment(s));
    }

    static JsonNode parse(String yaml) {
        try {
            return RepoFiles.YAML.readTree(yaml);
        } catch (java.io.IOException e) {
            return fail("compose.yaml is not valid YAML: " + e.getMessage());
        }
    }
}
