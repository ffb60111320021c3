package dev.livetoken.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** deploy/entrypoint.sh, run for real with /bin/sh against a fake {@code java} that prints what it got. */
class EntrypointScriptTest {

    @TempDir
    Path tmp;

    private record Result(int exit, String out) {}

    private Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, """
                #!/bin/sh
                echo "args=$*"
                echo "key=${GEMINI_API_KEY:-<unset>}"
                echo "db=${QUARKUS_DATASOURCE_PASSWORD:-<unset>}"
                echo "keyfile=${GEMINI_API_KEY_FILE:-<unset>}"
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        String[] cmd = new String[args.length + 2];
        cmd[0] = "/bin/sh";
        cmd[1] = RepoFiles.path("deploy/entrypoint.sh").toString();
        System.arraycopy(args, 0, cmd, 2, args.length);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("APP_JAR", "app.jar");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "entrypoint.sh hung");
        return new Result(p.exitValue(), out);
    }

    private Path secretFile(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    @Test
    void readsTheApiKeyFromItsFileAndStartsJavaWithJavaOpts() throws Exception {
        Path key = secretFile("gemini", "AIza-file-key\n");
        Result r = run(
                Map.of(
                        "GEMINI_API_KEY_FILE",
                        key.toString(),
                        "JAVA_OPTS",
                        "-XX:MaxRAMPercentage=40",
                        "JAVA_OPTS_APPEND",
                        "-Dextra=1"),
                "--flag");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("key=AIza-file-key\n"), "the file's content, trailing newline trimmed: " + r.out());
        assertTrue(r.out().contains("keyfile=<unset>"), "the _FILE variable is not passed on: " + r.out());
        assertTrue(r.out().contains("args=-XX:MaxRAMPercentage=40 -Dextra=1 -jar app.jar --flag"), r.out());
    }

    @Test
    void readsOtherSecretsFromFilesToo() throws Exception {
        Result r = run(Map.of(
                "QUARKUS_DATASOURCE_PASSWORD_FILE", secretFile("db", "pw").toString()));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("db=pw\n"), r.out());
    }

    @Test
    void passesAPlainEnvironmentKeyThrough() throws Exception {
        Result r = run(Map.of("GEMINI_API_KEY", "from-env"));
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("key=from-env\n"), r.out());
    }

    @Test
    void refusesBothTheKeyAndItsFile() throws Exception {
        Result r = run(Map.of(
                "GEMINI_API_KEY",
                "a",
                "GEMINI_API_KEY_FILE",
                secretFile("k", "b").toString()));
        assertEquals(64, r.exit(), r.out());
        assertTrue(r.out().contains("set only one") && !r.out().contains("key="), r.out());
    }

    @Test
    void refusesAMissingOrEmptyKeyFile() throws Exception {
        assertEquals(
                66,
                run(Map.of("GEMINI_API_KEY_FILE", tmp.resolve("nope").toString()))
                        .exit());
        assertEquals(
                65,
                run(Map.of("GEMINI_API_KEY_FILE", secretFile("empty", "\n").toString()))
                        .exit());
    }
}
