package dev.livetoken.client;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.emulator.EmulatorFaults;
import dev.livetoken.emulator.EmulatorFaults.Fault;
import dev.livetoken.emulator.EmulatorFaults.Kind;
import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line client end to end against the service and its emulator, and its error exits. */
@QuarkusTest
class LiveTranslateCliTest {

    static final Path SAMPLE = Path.of("samples/hello-en.wav");

    /** Quarkus tests do not get @TempDir injection: make our own. */
    final Path dir = tempDir();

    static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("live-cli-test");
            d.toFile().deleteOnExit();
            return d;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LiveTranslateCli.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String service() {
        return "http://localhost:" + LiveTestSocket.httpPort();
    }

    @Test
    void clientTranslatesTheSampleWavIntoA24kWavWithTranscripts() throws Exception {
        Path out = dir.resolve("hello-es.wav");
        Run r = run(
                "--service",
                service(),
                "--dev-user",
                "alice@acme",
                "--target",
                "es",
                "--in",
                SAMPLE.toString(),
                "--out",
                out.toString(),
                "--idle",
                "0.5");
        assertEquals(0, r.exit(), r.err() + r.out());
        AudioFileFormat f = AudioSystem.getAudioFileFormat(out.toFile());
        assertEquals(24_000f, f.getFormat().getSampleRate());
        assertEquals(1, f.getFormat().getChannels());
        long inSamples = AudioSystem.getAudioFileFormat(SAMPLE.toFile()).getFrameLength();
        // silence in, nothing out: the pauses of the sample do not come back
        assertTrue(
                f.getFrameLength() <= inSamples * 3 / 2 + 1 && f.getFrameLength() > inSamples / 2,
                "the speech came back, resampled to 24 kHz: " + f.getFrameLength() + " of " + inSamples * 3 / 2);
        assertTrue(r.out().contains("source      [en] [emulated]"), r.out());
        assertTrue(r.out().contains("translation [es] [emulated]"), r.out());
        assertTrue(r.out().contains("time to first audio"), r.out());
        assertTrue(r.out().matches("(?s).*pacing error mean [0-9.]+ ms, worst [0-9.]+ ms.*"), r.out());
        assertTrue(r.out().contains("token: locked language, target es"), r.out());
    }

    @Inject
    EmulatorFaults faults;

    @Test
    void unrecoverableFailureExits7AndPrintsTheDoctorsFindings() {
        // the first connection is closed 1011 RESOURCE_EXHAUSTED, every reconnect gets HTTP 429
        Fault[] plan = new Fault[40];
        plan[0] = new Fault(Kind.RESOURCE_EXHAUSTED, 3);
        java.util.Arrays.fill(plan, 1, plan.length, new Fault(Kind.HTTP_429, 0));
        faults.planAny(plan);
        try {
            Run r = run(
                    "--service",
                    service(),
                    "--dev-user",
                    "alice@acme",
                    "--target",
                    "es",
                    "--in",
                    SAMPLE.toString(),
                    "--out",
                    dir.resolve("o7.wav").toString(),
                    "--resume-budget",
                    "2",
                    "--speed",
                    "4");
            assertEquals(7, r.exit(), r.err() + r.out());
            assertTrue(r.err().contains("Gave up resuming"), r.err());
            assertTrue(r.err().contains("[quota-or-overload]"), r.err());
            assertTrue(r.err().contains("fix: Retry with exponential backoff"), r.err());
        } finally {
            faults.clearPlans();
        }
    }

    @Test
    void renewalMintsAFreshTokenWhileTheServiceHasNoRenewEndpoint() {
        TokenServiceClient svc =
                new TokenServiceClient(java.net.http.HttpClient.newHttpClient(), URI.create(service()));
        String jwt = svc.devJwt("renew-user", "acme");
        MintedToken first = svc.mint(jwt, "es");
        MintedToken fresh = svc.renew(jwt, first.token(), "es");
        assertTrue(fresh.token().startsWith("auth_tokens/") && !fresh.token().equals(first.token()));
        assertEquals("es", fresh.targetLanguageCode());
    }

    @Test
    void unreachableServiceExitsWith3() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Run r = run(
                "--service",
                "http://localhost:" + port,
                "--jwt",
                "x.y.z",
                "--in",
                SAMPLE.toString(),
                "--out",
                dir.resolve("o.wav").toString());
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("Cannot reach the Live Token Service"), r.err());
    }

    @Test
    void refusedMintExitsWith4AndPrintsTheProblemDetail() {
        Run r = run(
                "--service",
                service(),
                "--dev-user",
                "alice@acme",
                "--target",
                "xx-nope",
                "--in",
                SAMPLE.toString(),
                "--out",
                dir.resolve("o.wav").toString());
        assertEquals(4, r.exit());
        assertTrue(r.err().contains("HTTP 400") && r.err().contains("xx-nope"), r.err());
    }

    @Test
    void socketClosedByServerExitsWith5WithCodeAndReason() {
        Run r = run(
                "--token",
                "auth_tokens/unknown",
                "--ws-url",
                "ws://localhost:" + LiveTestSocket.httpPort() + LiveTestSocket.PATH,
                "--target",
                "es",
                "--in",
                SAMPLE.toString(),
                "--out",
                dir.resolve("o.wav").toString());
        assertEquals(5, r.exit());
        assertTrue(r.err().contains("code 1008") && r.err().contains("Auth token is not valid."), r.err());
    }

    @Test
    void badInputFileExitsWith2BeforeAnyTokenIsMinted() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.wav"), "RIFF but not really");
        Run r = run("--service", "http://localhost:1", "--jwt", "x", "--in", bad.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Not a readable WAV file"), r.err());
        assertEquals(2, run("--in", "x.wav").exit(), "no credential is a usage error");
    }
}
