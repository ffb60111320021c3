package dev.livetoken.deploy;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/Dockerfile, checked statically: non-root, no baked-in secrets, container-aware JVM. */
class DockerfileTest {

    private static final String DOCKERFILE = RepoFiles.read("deploy/Dockerfile");

    @Test
    void finalStageRunsAsNonRootNumericUser() {
        DockerfileRules.finalStageRunsAsNonRootNumericUser(DOCKERFILE);
    }

    @Test
    void nonRootUserRuleFailsOnRootOrMissingUser() {
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.finalStageRunsAsNonRootNumericUser(DOCKERFILE + "\nUSER root\n"));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.finalStageRunsAsNonRootNumericUser(DOCKERFILE + "\nUSER 0:0\n"));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.finalStageRunsAsNonRootNumericUser(DOCKERFILE.replaceAll("(?m)^USER .*$", "")));
        // a USER only in the build stage does not count for the final image
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.finalStageRunsAsNonRootNumericUser(
                        "FROM a:1 AS build\nUSER 10001\nFROM b:1\nCMD x\n"));
    }

    @Test
    void noSecretLookingEnvOrArg() {
        DockerfileRules.noSecretLookingEnvOrArg(DOCKERFILE);
    }

    @Test
    void secretRuleFailsOnBakedInSecrets() {
        for (String bad : List.of(
                "ENV GEMINI_API_KEY=abc",
                "ARG DB_PASSWORD",
                "ENV JAVA_OPTS=\"-Dx=1 -Dy=2\" \\\n    AUTH_TOKEN=t",
                "ENV QUARKUS_DATASOURCE_PASSWORD hunter2",
                "ARG LIVETOKEN_AUDIT_HMAC_KEY=k",
                "ENV CLIENT_SECRET=s")) {
            assertThrows(
                    AssertionError.class,
                    () -> DockerfileRules.noSecretLookingEnvOrArg(DOCKERFILE + "\n" + bad + "\n"),
                    bad);
        }
        // the service's own non-secret names are not mistaken for secrets
        DockerfileRules.noSecretLookingEnvOrArg(
                "FROM a:1\nENV LIVETOKEN_EMULATOR_ENABLED=true MP_JWT_VERIFY_PUBLICKEY_LOCATION=x GEMINI_API_KEY_FILE=/run/secrets/k\n");
    }

    @Test
    void jvmIsContainerAwareAndWritesOnlyTmp() {
        DockerfileRules.jvmIsContainerAwareAndWritesOnlyTmp(DOCKERFILE);
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.jvmIsContainerAwareAndWritesOnlyTmp(
                        DOCKERFILE.replace("-XX:MaxRAMPercentage=40", "-Xmx1g")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.jvmIsContainerAwareAndWritesOnlyTmp(
                        DOCKERFILE.replace("-Djava.io.tmpdir=/tmp", "")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.jvmIsContainerAwareAndWritesOnlyTmp(
                        DOCKERFILE.replace("-XX:+ExitOnOutOfMemoryError", "")));
    }

    @Test
    void embeddedStoreIsInAVolumeTheImageUserOwns() {
        DockerfileRules.embeddedStoreIsWritableByTheImageUser(DOCKERFILE);
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.embeddedStoreIsWritableByTheImageUser(
                        DOCKERFILE.replace("LIVETOKEN_STORE_EMBEDDED_PATH=/var/lib/livetoken/livetoken \\\n", "")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.embeddedStoreIsWritableByTheImageUser(
                        DOCKERFILE.replace("chown 10001:10001 /var/lib/livetoken", "true")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.embeddedStoreIsWritableByTheImageUser(
                        DOCKERFILE.replace("chown 10001:10001", "chown 0:0")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.embeddedStoreIsWritableByTheImageUser(
                        DOCKERFILE.replaceAll("(?m)^VOLUME .*$", "")));
    }

    @Test
    void exposes8080() {
        DockerfileRules.exposes8080(DOCKERFILE);
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.exposes8080(DOCKERFILE.replace("EXPOSE 8080", "EXPOSE 9090")));
    }

    @Test
    void buildsWithTheWrapperOnPinnedJavaImages() {
        DockerfileRules.buildsWithTheWrapperOnPinnedJavaImages(DOCKERFILE);
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.buildsWithTheWrapperOnPinnedJavaImages(
                        DOCKERFILE.replaceAll("RUNTIME_IMAGE=\\S+", "RUNTIME_IMAGE=eclipse-temurin:latest")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.buildsWithTheWrapperOnPinnedJavaImages(DOCKERFILE.replace("-DskipTests", "")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.buildsWithTheWrapperOnPinnedJavaImages(
                        DOCKERFILE.replaceAll("BUILD_IMAGE=\\S+", "BUILD_IMAGE=eclipse-temurin")));
    }

    @Test
    void theAotCacheIsMadeInTheRuntimeStage() {
        DockerfileRules.classArchiveIsMadeByTheRuntimeJvm(DOCKERFILE);
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.classArchiveIsMadeByTheRuntimeJvm(
                        DOCKERFILE.replaceAll("(?s)RUN java -cp /tmp/aot-training.*?rm -rf /tmp/aot-training\n", "")));
        assertThrows(
                AssertionError.class,
                () -> DockerfileRules.buildsWithTheWrapperOnPinnedJavaImages(DOCKERFILE.replaceAll(
                        "RUNTIME_IMAGE=\\S+", "RUNTIME_IMAGE=eclipse-temurin:17.0.9_9-jre-noble")));
    }

    /** The image's build stage compiles the AOT training driver with javac --release 21: it must compile so, JDK only. */
    @Test
    void aotTrainingDriverCompilesForJava21WithTheJdkAlone() throws Exception {
        java.nio.file.Path out = java.nio.file.Files.createTempDirectory("aot-training");
        var javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        var errors = new java.io.ByteArrayOutputStream();
        int status = javac.run(
                null, null, errors, "--release", "21", "-cp", "", "-d", out.toString(), "deploy/AotTraining.java");
        org.junit.jupiter.api.Assertions.assertEquals(0, status, errors.toString());
        org.junit.jupiter.api.Assertions.assertTrue(
                java.nio.file.Files.isRegularFile(out.resolve("AotTraining.class")));
    }

    @Test
    void entrypointReadsSecretFilesAndPassesJavaOpts() {
        String entrypoint = RepoFiles.read("deploy/entrypoint.sh");
        assertTrue(entrypoint.contains("GEMINI_API_KEY"), "entrypoint.sh must support GEMINI_API_KEY_FILE");
        assertTrue(entrypoint.contains("${JAVA_OPTS"), "entrypoint.sh must pass JAVA_OPTS to java");
        assertTrue(
                DOCKERFILE.contains("ENTRYPOINT [\"/deployments/entrypoint.sh\"]"),
                "the image must start through entrypoint.sh");
    }

    @Test
    void buildContextIsAnAllowList() {
        List<String> lines = RepoFiles.read("deploy/Dockerfile.dockerignore")
                .lines()
                .map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
        assertEquals("*", lines.get(0), "Dockerfile.dockerignore must start by excluding everything");
        assertTrue(
                lines.stream().noneMatch(l -> l.startsWith("!") && l.contains("secrets")),
                "secrets must stay out of the build context");
    }
}
