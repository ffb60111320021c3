package dev.livetoken.deploy;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The production-readiness rules every rendered overlay must meet. Each rule throws an
 * {@link AssertionError} naming the broken property; {@link K8sRulesCatchBreakageTest} proves each
 * one fails on a manifest where that property is broken.
 */
final class K8sRules {

    static final String SECRET_NAME = "live-token-secrets";
    /** Environment variable → key in the Secret. */
    static final Map<String, String> SECRET_ENV = Map.of(
            "GEMINI_API_KEY", "gemini-api-key",
            "QUARKUS_DATASOURCE_PASSWORD", "db-password",
            "LIVETOKEN_AUDIT_HMAC_KEY", "audit-hmac-key");

    static final String GOOGLE = "https://generativelanguage.googleapis.com";
    static final String DEV_JWT_KEY = "dev/jwt-public.pem";

    private K8sRules() {}

    static void probesPointAtHealthEndpoints(Manifests m) {
        JsonNode c = m.container();
        Map<String, String> expected = Map.of(
                "startupProbe", "/q/health/started",
                "livenessProbe", "/q/health/live",
                "readinessProbe", "/q/health/ready");
        expected.forEach((probe, path) -> {
            JsonNode get = c.path(probe).path("httpGet");
            assertFalse(get.isMissingNode(), m.overlay() + ": " + probe + " with httpGet is missing");
            assertEquals(path, get.path("path").asText(), m.overlay() + ": " + probe + " path");
            assertEquals(8080, containerPort(m, get.path("port")), m.overlay() + ": " + probe + " port");
        });
    }

    static void resourcesAreRequestedAndLimited(Manifests m) {
        JsonNode r = m.container().path("resources");
        for (String section : List.of("requests", "limits")) {
            for (String res : List.of("cpu", "memory")) {
                assertTrue(
                        r.path(section).hasNonNull(res),
                        m.overlay() + ": resources." + section + "." + res + " missing");
            }
        }
    }

    static void podRunsAsNonRoot(Manifests m) {
        JsonNode pod = m.podSpec().path("securityContext");
        JsonNode c = m.container().path("securityContext");
        assertTrue(
                pod.path("runAsNonRoot").asBoolean(false),
                m.overlay() + ": pod securityContext.runAsNonRoot must be true");
        assertFalse(
                c.has("runAsNonRoot") && !c.path("runAsNonRoot").asBoolean(),
                m.overlay() + ": container overrides runAsNonRoot");
        for (JsonNode sc : List.of(pod, c)) {
            if (sc.has("runAsUser")) {
                assertNotEquals(0, sc.path("runAsUser").asInt(), m.overlay() + ": runAsUser 0 is root");
            }
        }
    }

    static void rootFilesystemIsReadOnlyWithTmpEmptyDir(Manifests m) {
        JsonNode c = m.container();
        assertTrue(
                c.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false),
                m.overlay() + ": readOnlyRootFilesystem must be true");
        String volume = null;
        for (JsonNode mount : c.path("volumeMounts")) {
            if ("/tmp".equals(mount.path("mountPath").asText())
                    && !mount.path("readOnly").asBoolean(false)) {
                volume = mount.path("name").asText();
            }
        }
        assertTrue(volume != null, m.overlay() + ": /tmp must be a writable volume mount");
        for (JsonNode v : m.podSpec().path("volumes")) {
            if (volume.equals(v.path("name").asText())) {
                assertTrue(v.has("emptyDir"), m.overlay() + ": /tmp volume must be an emptyDir");
                return;
            }
        }
        fail(m.overlay() + ": /tmp mount names volume '" + volume + "' that the pod does not define");
    }

    static void noPrivilegeEscalationAndAllCapabilitiesDropped(Manifests m) {
        JsonNode sc = m.container().path("securityContext");
        assertTrue(
                sc.has("allowPrivilegeEscalation")
                        && !sc.path("allowPrivilegeEscalation").asBoolean(),
                m.overlay() + ": allowPrivilegeEscalation must be false");
        assertFalse(sc.path("privileged").asBoolean(false), m.overlay() + ": container must not be privileged");
        Set<String> dropped = new HashSet<>();
        sc.path("capabilities").path("drop").forEach(d -> dropped.add(d.asText()));
        assertTrue(dropped.contains("ALL"), m.overlay() + ": capabilities.drop must contain ALL");
        assertTrue(sc.path("capabilities").path("add").isEmpty(), m.overlay() + ": no capability may be added");
    }

    static void seccompProfileIsRuntimeDefault(Manifests m) {
        String pod = m.podSpec()
                .path("securityContext")
                .path("seccompProfile")
                .path("type")
                .asText(null);
        String container = m.container()
                .path("securityContext")
                .path("seccompProfile")
                .path("type")
                .asText(null);
        String effective = container != null ? container : pod;
        assertEquals("RuntimeDefault", effective, m.overlay() + ": seccompProfile.type");
    }

    static void serviceAccountTokenIsNotMounted(Manifests m) {
        String saName = m.podSpec().path("serviceAccountName").asText(null);
        assertTrue(
                saName != null && !"default".equals(saName), m.overlay() + ": the pod must use its own ServiceAccount");
        JsonNode sa = m.find("ServiceAccount", saName)
                .orElseGet(() -> fail(m.overlay() + ": ServiceAccount '" + saName + "' is not rendered"));
        assertTrue(
                sa.has("automountServiceAccountToken")
                        && !sa.path("automountServiceAccountToken").asBoolean(),
                m.overlay() + ": ServiceAccount automountServiceAccountToken must be false");
        assertFalse(
                m.podSpec().path("automountServiceAccountToken").asBoolean(false),
                m.overlay() + ": the pod must not switch automountServiceAccountToken back on");
    }

    static void secretsComeOnlyFromSecretReferences(Manifests m) {
        SECRET_ENV.forEach((env, key) -> {
            JsonNode e = m.envEntry(env).orElseGet(() -> fail(m.overlay() + ": env " + env + " is missing"));
            JsonNode ref = e.path("valueFrom").path("secretKeyRef");
            assertFalse(e.has("value"), m.overlay() + ": env " + env + " must not carry a literal value");
            assertEquals(SECRET_NAME, ref.path("name").asText(), m.overlay() + ": env " + env + " secretKeyRef.name");
            assertEquals(key, ref.path("key").asText(), m.overlay() + ": env " + env + " secretKeyRef.key");
        });
        for (JsonNode secret : m.ofKind("Secret")) {
            assertTrue(
                    secret.path("data").isEmpty() && secret.path("stringData").isEmpty(),
                    m.overlay() + ": Secret '"
                            + secret.path("metadata").path("name").asText() + "' carries data");
        }
        for (JsonNode e : m.container().path("env")) {
            String name = e.path("name").asText();
            assertFalse(
                    SecretNames.holdsSecret(name) && e.has("value"),
                    m.overlay() + ": env " + name + " looks secret but has a literal value");
        }
        for (JsonNode cm : m.ofKind("ConfigMap")) {
            cm.path("data")
                    .fieldNames()
                    .forEachRemaining(k -> assertFalse(
                            SecretNames.holdsSecret(k),
                            m.overlay() + ": ConfigMap key " + k + " looks secret; it belongs in " + SECRET_NAME));
        }
    }

    static void jwtVerificationIsConfigured(Manifests m) {
        Map<String, String> env = m.effectiveEnv();
        for (String k :
                List.of("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES", "MP_JWT_VERIFY_PUBLICKEY_LOCATION")) {
            assertFalse(
                    env.getOrDefault(k, "").isBlank(),
                    m.overlay() + ": " + k + " must be set (the service refuses to start without it)");
        }
        // every setting a production start requires, from the ConfigMap, a literal or a Secret reference
        for (String k : dev.livetoken.bootstrap.ProductionSettings.REQUIRED) {
            boolean fromSecret = m.envEntry(k)
                    .map(e -> e.path("valueFrom").has("secretKeyRef"))
                    .orElse(false);
            assertTrue(
                    fromSecret || !env.getOrDefault(k, "").isBlank(),
                    m.overlay() + ": " + k + " must be set (the service refuses to start without it)");
        }
    }

    static void shutdownIsGraceful(Manifests m) {
        JsonNode cmd =
                m.container().path("lifecycle").path("preStop").path("exec").path("command");
        JsonNode sleepAction =
                m.container().path("lifecycle").path("preStop").path("sleep").path("seconds");
        int sleep = sleepAction.isInt()
                ? sleepAction.asInt()
                : cmd.size() == 2 && "sleep".equals(cmd.get(0).asText())
                        ? Integer.parseInt(cmd.get(1).asText())
                        : -1;
        assertTrue(sleep > 0, m.overlay() + ": a preStop sleep is missing");
        int grace = m.podSpec().path("terminationGracePeriodSeconds").asInt(30);
        assertTrue(
                m.podSpec().has("terminationGracePeriodSeconds"),
                m.overlay() + ": terminationGracePeriodSeconds missing");
        assertTrue(
                grace > sleep + 10,
                m.overlay() + ": terminationGracePeriodSeconds " + grace
                        + " leaves no time to drain after the preStop sleep of " + sleep + " s");
    }

    static void podsSpreadAcrossNodes(Manifests m) {
        JsonNode tsc = m.podSpec().path("topologySpreadConstraints");
        assertFalse(tsc.isEmpty(), m.overlay() + ": topologySpreadConstraints missing");
        for (JsonNode c : tsc) {
            assertTrue(
                    Manifests.selects(c.path("labelSelector").path("matchLabels"), m.podLabels()),
                    m.overlay() + ": a topology spread constraint does not select the pods");
        }
    }

    static void serviceRoutesToThePods(Manifests m) {
        JsonNode svc = m.one("Service");
        assertTrue(
                Manifests.selects(svc.path("spec").path("selector"), m.podLabels()),
                m.overlay() + ": Service selector does not match the pod labels");
        for (JsonNode port : svc.path("spec").path("ports")) {
            assertEquals(8080, containerPort(m, port.path("targetPort")), m.overlay() + ": Service targetPort");
        }
    }

    static void autoscalerScalesTheDeploymentOnCpu(Manifests m) {
        JsonNode hpa = m.one("HorizontalPodAutoscaler");
        assertEquals("autoscaling/v2", hpa.path("apiVersion").asText(), m.overlay() + ": HPA apiVersion");
        JsonNode target = hpa.path("spec").path("scaleTargetRef");
        assertEquals("Deployment", target.path("kind").asText(), m.overlay() + ": HPA target kind");
        assertEquals(
                m.deployment().path("metadata").path("name").asText(),
                target.path("name").asText(),
                m.overlay() + ": HPA target");
        boolean cpu = false;
        for (JsonNode metric : hpa.path("spec").path("metrics")) {
            cpu |= "Resource".equals(metric.path("type").asText())
                    && "cpu".equals(metric.path("resource").path("name").asText());
        }
        assertTrue(cpu, m.overlay() + ": HPA must scale on cpu");
        int min = hpa.path("spec").path("minReplicas").asInt(1);
        int max = hpa.path("spec").path("maxReplicas").asInt(0);
        assertTrue(min >= 1 && max >= min, m.overlay() + ": HPA replicas min " + min + " max " + max);
        assertFalse(m.deployment().path("spec").has("replicas"), m.overlay() + ": Deployment.replicas fights the HPA");
    }

    static void disruptionBudgetCoversThePods(Manifests m) {
        JsonNode pdb = m.one("PodDisruptionBudget");
        assertEquals("policy/v1", pdb.path("apiVersion").asText(), m.overlay() + ": PDB apiVersion");
        assertTrue(
                Manifests.selects(pdb.path("spec").path("selector").path("matchLabels"), m.podLabels()),
                m.overlay() + ": PDB selector does not match the pod labels");
        assertTrue(
                pdb.path("spec").has("minAvailable") || pdb.path("spec").has("maxUnavailable"),
                m.overlay() + ": PDB sets neither minAvailable nor maxUnavailable");
    }

    static void ingressOnlyFromTheIngressControllerOn8080(Manifests m) {
        JsonNode np = networkPolicy(m);
        assertTrue(
                np.path("spec").path("policyTypes").toString().contains("\"Ingress\""),
                m.overlay() + ": policyTypes lacks Ingress");
        JsonNode ingress = np.path("spec").path("ingress");
        assertFalse(ingress.isEmpty(), m.overlay() + ": no ingress rule; the ingress controller cannot reach the pods");
        for (JsonNode rule : ingress) {
            assertFalse(rule.path("from").isEmpty(), m.overlay() + ": an ingress rule without 'from' admits everyone");
            for (JsonNode peer : rule.path("from")) {
                assertFalse(
                        peer.path("namespaceSelector").path("matchLabels").isEmpty(),
                        m.overlay() + ": ingress peer must name the ingress controller's namespace");
                assertFalse(
                        peer.path("podSelector").path("matchLabels").isEmpty(),
                        m.overlay() + ": ingress peer must name the ingress controller's pods");
                assertFalse(peer.has("ipBlock"), m.overlay() + ": ingress from an ipBlock");
            }
            assertEquals(Set.of("TCP/8080"), ports(rule), m.overlay() + ": ingress ports");
        }
    }

    static void egressOnlyToDnsDatabaseAndHttps(Manifests m) {
        JsonNode np = networkPolicy(m);
        assertTrue(
                np.path("spec").path("policyTypes").toString().contains("\"Egress\""),
                m.overlay() + ": policyTypes lacks Egress");
        Set<String> all = new HashSet<>();
        for (JsonNode rule : np.path("spec").path("egress")) {
            Set<String> ports = ports(rule);
            assertFalse(ports.isEmpty(), m.overlay() + ": an egress rule without ports allows every port");
            all.addAll(ports);
            if (ports.contains("UDP/53") || ports.contains("TCP/53")) {
                assertEquals(Set.of("UDP/53", "TCP/53"), ports, m.overlay() + ": the DNS rule allows more than DNS");
                for (JsonNode peer : rule.path("to")) {
                    assertEquals(
                            "kube-dns",
                            peer.path("podSelector")
                                    .path("matchLabels")
                                    .path("k8s-app")
                                    .asText(),
                            m.overlay() + ": DNS egress must go to kube-dns");
                }
                assertFalse(rule.path("to").isEmpty(), m.overlay() + ": DNS egress must go to kube-dns only");
            }
        }
        assertEquals(Set.of("UDP/53", "TCP/53", "TCP/5432", "TCP/443"), all, m.overlay() + ": egress ports");
    }

    static void emulatorServesItselfInDev(Manifests m) {
        Map<String, String> env = m.effectiveEnv();
        assertEquals("true", env.get("LIVETOKEN_EMULATOR_ENABLED"), m.overlay() + ": LIVETOKEN_EMULATOR_ENABLED");
        assertEquals(
                "http://localhost:8080",
                env.get("LIVETOKEN_UPSTREAM_BASE_URL"),
                m.overlay() + ": LIVETOKEN_UPSTREAM_BASE_URL");
    }

    static void googleIsUpstreamWithEmulatorOff(Manifests m) {
        Map<String, String> env = m.effectiveEnv();
        assertEquals(
                "false",
                env.getOrDefault("LIVETOKEN_EMULATOR_ENABLED", "false"),
                m.overlay() + ": the emulator must be off (or unset) in production");
        assertEquals(
                GOOGLE, env.getOrDefault("LIVETOKEN_UPSTREAM_BASE_URL", GOOGLE), m.overlay() + ": upstream base URL");
        assertNotEquals(
                DEV_JWT_KEY,
                env.get("MP_JWT_VERIFY_PUBLICKEY_LOCATION"),
                m.overlay() + ": production must not trust the development JWT key");
        String image = m.container().path("image").asText();
        assertTrue(
                image.contains("@sha256:") || image.matches(".*:[^/:]+$") && !image.endsWith(":latest"),
                m.overlay() + ": image '" + image + "' must be pinned to a tag or digest");
    }

    private static JsonNode networkPolicy(Manifests m) {
        for (JsonNode np : m.ofKind("NetworkPolicy")) {
            if (Manifests.selects(np.path("spec").path("podSelector").path("matchLabels"), m.podLabels())) {
                return np;
            }
        }
        return fail(m.overlay() + ": no NetworkPolicy selects the service's pods");
    }

    private static Set<String> ports(JsonNode rule) {
        Set<String> out = new HashSet<>();
        for (JsonNode p : rule.path("ports")) {
            out.add(p.path("protocol").asText("TCP") + "/" + p.path("port").asText());
        }
        return out;
    }

    /** Resolves a numeric or named port against the container's ports. */
    private static int containerPort(Manifests m, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode p : m.container().path("ports")) {
            if (port.asText().equals(p.path("name").asText())) {
                return p.path("containerPort").asInt();
            }
        }
        return fail(m.overlay() + ": port '" + port.asText() + "' is not a container port");
    }

    /**
     * What the JVM holds besides its heap at full load: 212–237 MiB measured (RSS minus the largest
     * heap, docs/performance.md "Memory"), rounded up.
     */
    static final long NON_HEAP_MIB = 240;
    /** Kept free under the limit: the kernel kills a container whose memory crosses it. */
    static final double HEADROOM = 0.10;

    /**
     * The largest heap the image's JVM flags allow under the container's memory limit, plus what the
     * JVM holds besides it, stays 10 % under the limit; otherwise a pod under full load is OOM-killed
     * with mints in flight.
     */
    static void memoryLimitHoldsTheHeapAndTheRest(Manifests m) {
        String limit =
                m.container().path("resources").path("limits").path("memory").asText("");
        limitHoldsTheHeapAndTheRest(m.overlay() + ": memory limit " + limit, mebibytes(limit), m.effectiveEnv());
    }

    /**
     * The rule for any container running the image under {@code limitMib}: {@code env} may replace the
     * image's {@code JAVA_OPTS} or set {@code JAVA_OPTS_APPEND}; the last heap flag wins.
     */
    static void limitHoldsTheHeapAndTheRest(String what, double limitMib, Map<String, String> env) {
        Map<String, String> image = DockerfileRules.finalStageEnv(RepoFiles.read("deploy/Dockerfile"));
        String opts = env.getOrDefault("JAVA_OPTS", image.getOrDefault("JAVA_OPTS", "")) + " "
                + env.getOrDefault("JAVA_OPTS_APPEND", image.getOrDefault("JAVA_OPTS_APPEND", ""));
        double heapMib = limitMib * 0.25; // the JVM's own default
        for (String flag : opts.trim().split("\\s+")) {
            if (flag.startsWith("-XX:MaxRAMPercentage=")) {
                heapMib = limitMib * Double.parseDouble(flag.substring("-XX:MaxRAMPercentage=".length())) / 100;
            } else if (flag.startsWith("-Xmx")) {
                heapMib = binaryMebibytes(flag.substring("-Xmx".length()));
            }
        }
        double peak = heapMib + NON_HEAP_MIB;
        assertTrue(
                peak <= limitMib * (1 - HEADROOM),
                what + " holds a heap of up to " + Math.round(heapMib) + " MiB plus ~" + NON_HEAP_MIB
                        + " MiB besides it, " + Math.round(peak)
                        + " MiB, with less than 10 % to spare; lower the heap share or raise the limit");
    }

    /**
     * A JVM or compose size ({@code -Xmx400m}'s {@code 400m}, {@code mem_limit: 512m}, {@code 1g},
     * bytes): k, m, g are binary units, either case, an optional trailing b.
     */
    static double binaryMebibytes(String size) {
        Matcher q = Pattern.compile("(\\d+)([kmgKMG])?[bB]?").matcher(size.trim());
        if (!q.matches()) {
            fail("not a JVM or compose size: '" + size + "'");
        }
        double n = Double.parseDouble(q.group(1));
        String unit = q.group(2) == null ? "" : q.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "k" -> n / 1024;
            case "m" -> n;
            case "g" -> n * 1024;
            default -> n / (1024 * 1024);
        };
    }

    /** A Kubernetes memory quantity ({@code 512Mi}, {@code 1Gi}, {@code 600M}, bytes) in MiB. */
    static double mebibytes(String quantity) {
        Matcher q = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT]i?)?").matcher(quantity.trim());
        if (!q.matches()) {
            fail("not a memory quantity: '" + quantity + "'");
        }
        double n = Double.parseDouble(q.group(1));
        String unit = q.group(2) == null ? "" : q.group(2);
        double bytes = switch (unit) {
            case "" -> n;
            case "Ki" -> n * 1024;
            case "Mi" -> n * 1024 * 1024;
            case "Gi" -> n * 1024 * 1024 * 1024;
            case "Ti" -> n * 1024 * 1024 * 1024 * 1024;
            case "K" -> n * 1e3;
            case "M" -> n * 1e6;
            case "G" -> n * 1e9;
            default -> n * 1e12;
        };
        return bytes / (1024 * 1024);
    }
}
