package dev.livetoken.deploy;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each k8s rule fails when the property it names is broken: the real render passes, and a copy
 * with exactly that property broken fails. Guards against rules that can never fail.
 */
class K8sRulesCatchBreakageTest {

    private record Breakage(
            String rule, Consumer<Manifests> check, String overlay, String how, Consumer<Manifests> breakIt) {}

    private static Breakage b(String rule, Consumer<Manifests> check, String how, Consumer<Manifests> breakIt) {
        return new Breakage(rule, check, "prod", how, breakIt);
    }

    @TestFactory
    Stream<DynamicTest> eachRuleFailsWhenItsPropertyIsBroken() {
        List<Breakage> breakages = List.of(
                b(
                        "probes",
                        K8sRules::probesPointAtHealthEndpoints,
                        "readiness on /health",
                        m -> probe(m, "readinessProbe").put("path", "/health")),
                b(
                        "probes",
                        K8sRules::probesPointAtHealthEndpoints,
                        "no startup probe",
                        m -> m.container().remove("startupProbe")),
                b(
                        "probes",
                        K8sRules::probesPointAtHealthEndpoints,
                        "liveness on another port",
                        m -> probe(m, "livenessProbe").put("port", 9000)),
                b(
                        "resources",
                        K8sRules::resourcesAreRequestedAndLimited,
                        "no limits",
                        m -> obj(m.container(), "resources").remove("limits")),
                b(
                        "resources",
                        K8sRules::resourcesAreRequestedAndLimited,
                        "no memory request",
                        m -> obj(obj(m.container(), "resources"), "requests").remove("memory")),
                b(
                        "memory",
                        K8sRules::memoryLimitHoldsTheHeapAndTheRest,
                        "limit 384Mi",
                        m -> obj(obj(m.container(), "resources"), "limits").put("memory", "384Mi")),
                b(
                        "memory",
                        K8sRules::memoryLimitHoldsTheHeapAndTheRest,
                        "heap share 75 %",
                        m -> env(m).addObject()
                                .put("name", "JAVA_OPTS_APPEND")
                                .put("value", "-XX:MaxRAMPercentage=75")),
                b(
                        "memory",
                        K8sRules::memoryLimitHoldsTheHeapAndTheRest,
                        "-Xmx400m",
                        m -> env(m).addObject().put("name", "JAVA_OPTS_APPEND").put("value", "-Xmx400m")),
                b(
                        "non-root",
                        K8sRules::podRunsAsNonRoot,
                        "pod runAsNonRoot false",
                        m -> obj(m.podSpec(), "securityContext").put("runAsNonRoot", false)),
                b(
                        "non-root",
                        K8sRules::podRunsAsNonRoot,
                        "container runAsUser 0",
                        m -> obj(m.container(), "securityContext").put("runAsUser", 0)),
                b(
                        "read-only root fs",
                        K8sRules::rootFilesystemIsReadOnlyWithTmpEmptyDir,
                        "readOnlyRootFilesystem false",
                        m -> obj(m.container(), "securityContext").put("readOnlyRootFilesystem", false)),
                b(
                        "read-only root fs",
                        K8sRules::rootFilesystemIsReadOnlyWithTmpEmptyDir,
                        "no /tmp mount",
                        m -> m.container().remove("volumeMounts")),
                b(
                        "privileges",
                        K8sRules::noPrivilegeEscalationAndAllCapabilitiesDropped,
                        "allowPrivilegeEscalation true",
                        m -> obj(m.container(), "securityContext").put("allowPrivilegeEscalation", true)),
                b(
                        "privileges",
                        K8sRules::noPrivilegeEscalationAndAllCapabilitiesDropped,
                        "drop [] ",
                        m -> obj(obj(m.container(), "securityContext"), "capabilities")
                                .putArray("drop")),
                b(
                        "privileges",
                        K8sRules::noPrivilegeEscalationAndAllCapabilitiesDropped,
                        "add NET_ADMIN",
                        m -> obj(obj(m.container(), "securityContext"), "capabilities")
                                .putArray("add")
                                .add("NET_ADMIN")),
                b(
                        "seccomp",
                        K8sRules::seccompProfileIsRuntimeDefault,
                        "container Unconfined",
                        m -> obj(obj(m.container(), "securityContext"), "seccompProfile")
                                .put("type", "Unconfined")),
                b(
                        "service account",
                        K8sRules::serviceAccountTokenIsNotMounted,
                        "SA automount true",
                        m -> m.one("ServiceAccount").put("automountServiceAccountToken", true)),
                b(
                        "service account",
                        K8sRules::serviceAccountTokenIsNotMounted,
                        "pod on the default SA",
                        m -> m.podSpec().put("serviceAccountName", "default")),
                b("secrets", K8sRules::secretsComeOnlyFromSecretReferences, "literal GEMINI_API_KEY", m -> {
                    ObjectNode e = (ObjectNode) m.envEntry("GEMINI_API_KEY").orElseThrow();
                    e.remove("valueFrom");
                    e.put("value", "AIza-not-a-real-key");
                }),
                b(
                        "secrets",
                        K8sRules::secretsComeOnlyFromSecretReferences,
                        "wrong secret name",
                        m -> obj(
                                        (ObjectNode) m.envEntry("QUARKUS_DATASOURCE_PASSWORD")
                                                .orElseThrow()
                                                .path("valueFrom"),
                                        "secretKeyRef")
                                .put("name", "other")),
                b(
                        "secrets",
                        K8sRules::secretsComeOnlyFromSecretReferences,
                        "a Secret with data",
                        m -> m.docs().add(secretWithData())),
                b(
                        "secrets",
                        K8sRules::secretsComeOnlyFromSecretReferences,
                        "API key in the ConfigMap",
                        m -> obj(
                                        m.find("ConfigMap", "live-token-config")
                                                .map(ObjectNode.class::cast)
                                                .orElseThrow(),
                                        "data")
                                .put("LIVETOKEN_AUDIT_HMAC_KEY", "x")),
                b(
                        "jwt",
                        K8sRules::jwtVerificationIsConfigured,
                        "no issuer",
                        m -> obj(
                                        m.find("ConfigMap", "live-token-config")
                                                .map(ObjectNode.class::cast)
                                                .orElseThrow(),
                                        "data")
                                .remove("MP_JWT_VERIFY_ISSUER")),
                b("jwt", K8sRules::jwtVerificationIsConfigured, "no Gemini key", m -> removeEnv(m, "GEMINI_API_KEY")),
                b(
                        "graceful shutdown",
                        K8sRules::shutdownIsGraceful,
                        "no preStop",
                        m -> m.container().remove("lifecycle")),
                b(
                        "graceful shutdown",
                        K8sRules::shutdownIsGraceful,
                        "grace shorter than the sleep",
                        m -> m.podSpec().put("terminationGracePeriodSeconds", 5)),
                b(
                        "topology",
                        K8sRules::podsSpreadAcrossNodes,
                        "no spread constraints",
                        m -> m.podSpec().remove("topologySpreadConstraints")),
                b(
                        "service",
                        K8sRules::serviceRoutesToThePods,
                        "selector matches nothing",
                        m -> obj(obj(m.one("Service"), "spec"), "selector").put("app.kubernetes.io/name", "other")),
                b(
                        "hpa",
                        K8sRules::autoscalerScalesTheDeploymentOnCpu,
                        "no HPA",
                        m -> m.docs()
                                .removeIf(d -> "HorizontalPodAutoscaler"
                                        .equals(d.path("kind").asText()))),
                b(
                        "hpa",
                        K8sRules::autoscalerScalesTheDeploymentOnCpu,
                        "memory instead of cpu",
                        m -> ((ObjectNode) m.one("HorizontalPodAutoscaler")
                                        .path("spec")
                                        .path("metrics")
                                        .get(0)
                                        .path("resource"))
                                .put("name", "memory")),
                b(
                        "hpa",
                        K8sRules::autoscalerScalesTheDeploymentOnCpu,
                        "Deployment.replicas set",
                        m -> obj(m.deployment(), "spec").put("replicas", 3)),
                b(
                        "pdb",
                        K8sRules::disruptionBudgetCoversThePods,
                        "no PDB",
                        m -> m.docs()
                                .removeIf(d -> "PodDisruptionBudget"
                                        .equals(d.path("kind").asText()))),
                b(
                        "pdb",
                        K8sRules::disruptionBudgetCoversThePods,
                        "policy/v1beta1",
                        m -> m.one("PodDisruptionBudget").put("apiVersion", "policy/v1beta1")),
                b(
                        "ingress",
                        K8sRules::ingressOnlyFromTheIngressControllerOn8080,
                        "from any namespace",
                        m -> ((ObjectNode) ingressRule(m).path("from").get(0)).putObject("namespaceSelector")),
                b(
                        "ingress",
                        K8sRules::ingressOnlyFromTheIngressControllerOn8080,
                        "open rule without from",
                        m -> ingressRule(m).remove("from")),
                b(
                        "ingress",
                        K8sRules::ingressOnlyFromTheIngressControllerOn8080,
                        "extra port 9000",
                        m -> ((ArrayNode) ingressRule(m).path("ports"))
                                .addObject()
                                .put("port", 9000)),
                b(
                        "egress",
                        K8sRules::egressOnlyToDnsDatabaseAndHttps,
                        "allow-all egress rule",
                        m -> ((ArrayNode) spec(m.one("NetworkPolicy")).path("egress")).addObject()),
                b(
                        "egress",
                        K8sRules::egressOnlyToDnsDatabaseAndHttps,
                        "plain http out",
                        m -> ((ArrayNode) spec(m.one("NetworkPolicy")).path("egress"))
                                .addObject()
                                .putArray("ports")
                                .addObject()
                                .put("port", 80)),
                b(
                        "egress",
                        K8sRules::egressOnlyToDnsDatabaseAndHttps,
                        "no Egress policy type",
                        m -> spec(m.one("NetworkPolicy"))
                                .putArray("policyTypes")
                                .add("Ingress")),
                b(
                        "egress",
                        K8sRules::egressOnlyToDnsDatabaseAndHttps,
                        "DNS to anyone",
                        m -> ((ObjectNode) spec(m.one("NetworkPolicy"))
                                        .path("egress")
                                        .get(0))
                                .remove("to")),
                b(
                        "prod upstream",
                        K8sRules::googleIsUpstreamWithEmulatorOff,
                        "emulator on",
                        m -> configData(m).put("LIVETOKEN_EMULATOR_ENABLED", "true")),
                b(
                        "prod upstream",
                        K8sRules::googleIsUpstreamWithEmulatorOff,
                        "upstream not Google",
                        m -> configData(m).put("LIVETOKEN_UPSTREAM_BASE_URL", "http://localhost:8080")),
                b(
                        "prod upstream",
                        K8sRules::googleIsUpstreamWithEmulatorOff,
                        "dev JWT key trusted",
                        m -> configData(m).put("MP_JWT_VERIFY_PUBLICKEY_LOCATION", K8sRules.DEV_JWT_KEY)),
                b(
                        "prod upstream",
                        K8sRules::googleIsUpstreamWithEmulatorOff,
                        "image :latest",
                        m -> m.container().put("image", "live-token-service:latest")),
                new Breakage(
                        "dev emulator",
                        K8sRules::emulatorServesItselfInDev,
                        "dev",
                        "emulator off",
                        m -> configData(m).put("LIVETOKEN_EMULATOR_ENABLED", "false")),
                new Breakage(
                        "dev emulator",
                        K8sRules::emulatorServesItselfInDev,
                        "dev",
                        "env literal overrides the ConfigMap",
                        m -> m.container()
                                .withArray("env")
                                .addObject()
                                .put("name", "LIVETOKEN_UPSTREAM_BASE_URL")
                                .put("value", K8sRules.GOOGLE)));

        return breakages.stream()
                .map(br ->
                        DynamicTest.dynamicTest(br.rule() + " fails on " + br.overlay() + " with " + br.how(), () -> {
                            assertDoesNotThrow(
                                    () -> br.check().accept(Kustomize.render(br.overlay())),
                                    "the unbroken render must pass");
                            Manifests broken = mutable(Kustomize.render(br.overlay()));
                            br.breakIt().accept(broken);
                            assertThrows(
                                    AssertionError.class,
                                    () -> br.check().accept(broken),
                                    "rule did not notice: " + br.how());
                        }));
    }

    /**
     * The memory rule reads heap flags and sizes as the JVM and compose do, so its breakages fail on
     * the rule, not on an unreadable size: -Xmx200m fits a 512 Mi limit, -Xmx400m is named in the refusal.
     */
    @Test
    void memoryRuleReadsSizesAsTheJvmDoes() {
        assertEquals(400, K8sRules.binaryMebibytes("400m"));
        assertEquals(400, K8sRules.binaryMebibytes("400M"));
        assertEquals(1024, K8sRules.binaryMebibytes("1g"));
        assertEquals(512, K8sRules.binaryMebibytes("524288k"));
        assertEquals(512, K8sRules.mebibytes("512Mi"));
        assertDoesNotThrow(
                () -> K8sRules.limitHoldsTheHeapAndTheRest("pod", 512, Map.of("JAVA_OPTS_APPEND", "-Xmx200m")));
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> K8sRules.limitHoldsTheHeapAndTheRest("pod", 512, Map.of("JAVA_OPTS_APPEND", "-Xmx400m")));
        assertTrue(refused.getMessage().contains("a heap of up to 400 MiB"), refused.getMessage());
    }

    private static Manifests mutable(Manifests m) {
        return new Manifests(m.overlay(), new java.util.ArrayList<>(m.docs()));
    }

    private static ObjectNode obj(ObjectNode parent, String field) {
        return parent.withObject("/" + field);
    }

    private static ObjectNode spec(ObjectNode o) {
        return obj(o, "spec");
    }

    private static ObjectNode probe(Manifests m, String probe) {
        return obj(obj(m.container(), probe), "httpGet");
    }

    private static ObjectNode ingressRule(Manifests m) {
        return (ObjectNode) spec(m.one("NetworkPolicy")).path("ingress").get(0);
    }

    private static ObjectNode configData(Manifests m) {
        return obj(
                m.find("ConfigMap", "live-token-config")
                        .map(ObjectNode.class::cast)
                        .orElseThrow(),
                "data");
    }

    private static ArrayNode env(Manifests m) {
        return (ArrayNode) m.container().path("env");
    }

    private static void removeEnv(Manifests m, String name) {
        var env = (com.fasterxml.jackson.databind.node.ArrayNode) m.container().path("env");
        for (int i = env.size() - 1; i >= 0; i--) {
            if (name.equals(env.get(i).path("name").asText())) {
                env.remove(i);
            }
        }
    }

    private static JsonNode secretWithData() {
        ObjectNode s = RepoFiles.YAML.createObjectNode();
        s.put("apiVersion", "v1").put("kind", "Secret");
        s.putObject("metadata").put("name", K8sRules.SECRET_NAME);
        s.putObject("data").put("gemini-api-key", "QUl6YQ==");
        return s;
    }
}
