package dev.livetoken.deploy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Static rules for deploy/Dockerfile (no Docker engine on the build machines); see DockerfileTest. */
final class DockerfileRules {

    /** One instruction, its arguments with line continuations joined, and its 0-based stage (-1 before any FROM). */
    record Instruction(String keyword, String args, int stage) {}

    private DockerfileRules() {}

    static List<Instruction> parse(String dockerfile) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int stage = -1;
        for (String raw : dockerfile.split("\\R", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = line.endsWith("\\");
            current.append(continues ? line.substring(0, line.length() - 1) : line)
                    .append(' ');
            if (continues) {
                continue;
            }
            String text = current.toString().strip();
            current.setLength(0);
            if (text.isEmpty()) {
                continue;
            }
            String[] kw = text.split("\\s+", 2);
            String keyword = kw[0].toUpperCase(Locale.ROOT);
            if (keyword.equals("FROM")) {
                stage++;
            }
            out.add(new Instruction(keyword, kw.length > 1 ? kw[1] : "", stage));
        }
        return out;
    }

    static int finalStage(List<Instruction> ins) {
        return ins.stream().mapToInt(Instruction::stage).max().orElse(-1);
    }

    static void finalStageRunsAsNonRootNumericUser(String dockerfile) {
        List<Instruction> ins = parse(dockerfile);
        int last = finalStage(ins);
        String user = null;
        for (Instruction i : ins) {
            if (i.stage() == last && i.keyword().equals("USER")) {
                user = i.args().strip();
            }
        }
        assertTrue(user != null, "the final stage has no USER: the container would run as root");
        assertTrue(
                user.matches("\\d+(:\\d+)?"),
                "the final USER '" + user + "' must be numeric (uid[:gid]) so runAsNonRoot can verify it");
        assertNotEquals(0, Integer.parseInt(user.split(":")[0]), "the final USER is root (uid 0)");
    }

    static void noSecretLookingEnvOrArg(String dockerfile) {
        for (Instruction i : parse(dockerfile)) {
            if (i.keyword().equals("ENV") || i.keyword().equals("ARG")) {
                for (String name : names(i)) {
                    assertFalse(
                            SecretNames.holdsSecret(name),
                            i.keyword() + " " + name
                                    + " looks like a secret; secrets are given at run time, never baked into the image");
                }
            }
        }
    }

    static void jvmIsContainerAwareAndWritesOnlyTmp(String dockerfile) {
        String opts = finalStageEnv(dockerfile).getOrDefault("JAVA_OPTS", "");
        // The share itself is checked against the pods' memory limit (K8sRules.memoryLimitHoldsTheHeapAndTheRest).
        for (String flag : List.of("-XX:MaxRAMPercentage=", "-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")) {
            assertTrue(opts.contains(flag), "final stage JAVA_OPTS lacks " + flag + ": '" + opts + "'");
        }
    }

    static void exposes8080(String dockerfile) {
        List<Instruction> ins = parse(dockerfile);
        int last = finalStage(ins);
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.stage() == last
                                && i.keyword().equals("EXPOSE")
                                && List.of(i.args().split("\\s+")).contains("8080")),
                "the final stage must EXPOSE 8080");
    }

    static void buildsWithTheWrapperOnPinnedJavaImages(String dockerfile) {
        List<Instruction> ins = parse(dockerfile);
        int last = finalStage(ins);
        assertTrue(last >= 1, "the Dockerfile must be multi-stage (build, runtime)");
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.stage() < last
                                && i.keyword().equals("RUN")
                                && i.args().contains("./mvnw")
                                && i.args().matches("(?s).*\\bpackage\\b.*")
                                && i.args().contains("-DskipTests")),
                "a build stage must run ./mvnw package -DskipTests");
        Map<String, String> argDefaults = new HashMap<>();
        for (Instruction i : ins) {
            if (i.keyword().equals("ARG")) {
                argDefaults.putAll(pairs(i.args()));
            }
            if (i.keyword().equals("FROM")) {
                String image = resolve(
                        i.args().replaceAll("(?i)--platform=\\S+\\s+", "").split("\\s+")[0], argDefaults);
                assertTrue(
                        image.contains("@sha256:") || image.matches("[^@]*:[^/:]*\\d[^/:]*"),
                        "base image '" + image + "' must be pinned to a versioned tag or digest");
                assertTrue(
                        javaVersion(image) >= 21,
                        "base image '" + image + "' must be a Java 21+ image (the code targets 21)");
                if (i.stage() == last) {
                    assertTrue(
                            image.matches("(?i).*(jre|runtime).*"),
                            "the runtime stage '" + image + "' should be a JRE/runtime image");
                }
            }
        }
    }

    /** The Java feature release a JDK image's tag names (eclipse-temurin:25.0.3_9-jre-noble: 25), or 0. */
    static int javaVersion(String image) {
        Matcher m = Pattern.compile(":(\\d+)").matcher(image);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * A class archive named in the final stage's JAVA_OPTS ({@code -XX:AOTCache=} or {@code
     * -XX:SharedArchiveFile=}) is written by a RUN of the final stage itself: an archive only fits the
     * JVM build and class path that wrote it, so one made in another stage or copied in is refused.
     */
    static void classArchiveIsMadeByTheRuntimeJvm(String dockerfile) {
        String opts = finalStageEnv(dockerfile).getOrDefault("JAVA_OPTS", "");
        Matcher m = Pattern.compile("-XX:(?:AOTCache|SharedArchiveFile)=(\\S+)").matcher(opts);
        if (!m.find()) {
            return;
        }
        String archive = m.group(1);
        List<Instruction> ins = parse(dockerfile);
        int last = finalStage(ins);
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.stage() == last
                                && i.keyword().equals("RUN")
                                && i.args().contains(archive)
                                && i.args().matches("(?s).*\\bjava\\b.*")),
                "the final stage must make " + archive + " with its own java (JAVA_OPTS names it)");
    }

    /**
     * The embedded store's file (final-stage ENV LIVETOKEN_STORE_EMBEDDED_PATH) lies in a directory the
     * final stage creates and chowns to its USER, and declares a VOLUME: with a read-only root
     * filesystem (docker run --read-only, compose read_only) nothing else is writable.
     */
    static void embeddedStoreIsWritableByTheImageUser(String dockerfile) {
        String path = finalStageEnv(dockerfile).get("LIVETOKEN_STORE_EMBEDDED_PATH");
        assertTrue(
                path != null && path.startsWith("/"),
                "the final stage must set an absolute LIVETOKEN_STORE_EMBEDDED_PATH "
                        + "(the service's default ./data/livetoken is under the root-owned WORKDIR)");
        String dir = path.substring(0, path.lastIndexOf('/'));
        List<Instruction> ins = parse(dockerfile);
        int last = finalStage(ins);
        String user = null;
        for (Instruction i : ins) {
            if (i.stage() == last && i.keyword().equals("USER")) {
                user = i.args().strip();
            }
        }
        assertTrue(user != null, "the final stage has no USER");
        String uid = user.split(":")[0];
        Pattern chown = Pattern.compile("chown\\s+(-R\\s+)?" + Pattern.quote(uid) + "(:\\d+)?\\s+(\\S+\\s+)*"
                + Pattern.quote(dir) + "(\\s|$|&|;)");
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.stage() == last
                                && i.keyword().equals("RUN")
                                && i.args().contains("mkdir")
                                && i.args().contains(dir)
                                && chown.matcher(i.args()).find()),
                "the final stage must create " + dir + " and chown it to the runtime user " + uid);
        assertTrue(
                ins.stream()
                        .anyMatch(i -> i.stage() == last
                                && i.keyword().equals("VOLUME")
                                && i.args().contains(dir)),
                "the final stage must declare VOLUME " + dir
                        + " so the store is writable under a read-only root filesystem");
    }

    /** The final stage's ENV, in order. */
    static Map<String, String> finalStageEnv(String dockerfile) {
        List<Instruction> ins = parse(dockerfile);
        int last = finalStage(ins);
        Map<String, String> env = new HashMap<>();
        ins.stream()
                .filter(i -> i.stage() == last && i.keyword().equals("ENV"))
                .forEach(i -> env.putAll(pairs(i.args())));
        return env;
    }

    private static List<String> names(Instruction i) {
        String args = i.args().strip();
        if (i.keyword().equals("ENV") && !args.split("\\s+")[0].contains("=")) {
            return List.of(args.split("\\s+")[0]); // legacy "ENV NAME value"
        }
        return new ArrayList<>(pairs(args).keySet());
    }

    private static final Pattern PAIR =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_.\\-]*)(?:=(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|\\S*))?");

    /** NAME=value pairs (values may be quoted), or bare NAMEs (value ""). */
    static Map<String, String> pairs(String args) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        Matcher m = PAIR.matcher(args);
        int pos = 0;
        while (pos < args.length()) {
            if (Character.isWhitespace(args.charAt(pos))) {
                pos++;
                continue;
            }
            if (!m.find(pos) || m.start() != pos) {
                fail("cannot parse '" + args + "' at " + pos);
            }
            String value = m.group(2) == null ? "" : m.group(2);
            if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            out.put(m.group(1), value);
            pos = m.end();
        }
        return out;
    }

    private static String resolve(String image, Map<String, String> args) {
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(image);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = args.get(m.group(1));
            assertEquals(true, v != null && !v.isEmpty(), "FROM uses ARG " + m.group(1) + " without a default");
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
