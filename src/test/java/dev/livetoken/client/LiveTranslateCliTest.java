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
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void renewalGoesThroughTheRenewEndpointForTheCallersOwnTokensOnly() {
        TokenServiceClient svc =
                new TokenServiceClient(java.net.http.HttpClient.newHttpClient(), URI.create(service()));
        String jwt = svc.devJwt("renew-user", "acme");
        MintedToken first = svc.mint(jwt, "de");
        MintedToken fresh = svc.renew(jwt, first.token());
        assertTrue(fresh.token().startsWith("auth_tokens/") && !fresh.token().equals(first.token()));
        assertEquals("de", fresh.targetLanguageCode(), "the same constraints, asked for nothing");
        // someone else's token is not silently replaced by a fresh mint
        LiveClientException e = org.junit.jupiter.api.Assertions.assertThrows(
                LiveClientException.class, () -> svc.renew(svc.devJwt("someone-else", "acme"), first.token()));
        assertEquals(LiveClientException.Kind.MINT_REFUSED, e.kind());
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
    }

    /**
     * End to end against the emulator: the tenant's tokens live 3 s, so the client renews through
     * POST /v1/tokens/renew twice or more during the 6 s sample, and reports one session per token
     * it used; the service links each renewed token to its parent and accepts every report. Renewing
     * ahead is off ({@code --renew-ahead 0}): each token is renewed once the server closed its session
     * 1008 "expired" (the conversation tests cover renewing ahead).
     */
    @Test
    void theClientRenewsThroughTheServiceAndReportsEachTokensSession() {
        String tenant = dev.livetoken.support.Admin.newTenant("cli-renew");
        dev.livetoken.support.Admin.createPolicy(
                tenant, "{\"tokenLifetimeSeconds\":3,\"newSessionWindowSeconds\":3," + "\"userRatePerMinute\":30}");
        Run r = run(
                "--service",
                service(),
                "--dev-user",
                "walker@" + tenant,
                "--target",
                "es",
                "--in",
                SAMPLE.toString(),
                "--out",
                dir.resolve("renewed.wav").toString(),
                "--idle",
                "0.5",
                "--renew-ahead",
                "0");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("token renewed (Auth token has expired.)"), r.out());
        assertFalse(r.err().contains("session report not sent"), r.err());
        int renewals = r.out().split("token renewed", -1).length - 1;

        var sessions = io.restassured.RestAssured.given()
                .header("Authorization", dev.livetoken.support.Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/sessions?limit=50")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        java.util.List<Integer> tokenIds = sessions.getList("items.tokenAuditId");
        assertEquals(renewals + 1, tokenIds.size(), "one report per token: " + sessions.prettify());
        assertEquals(renewals + 1, new java.util.HashSet<>(tokenIds).size());
        java.util.List<Integer> codes = sessions.getList("items.closeCode");
        assertEquals(renewals, java.util.Collections.frequency(codes, 1008), "each renewed token ended with 1008");
        assertEquals(1, java.util.Collections.frequency(codes, 1000), "the last one ended normally");
        double sent = sessions.getList("items.audioSecondsSent", Float.class).stream()
                .mapToDouble(Float::doubleValue)
                .sum();
        double sample = AudioSystemFrames.seconds(SAMPLE);
        assertEquals(sample, sent, 0.11, "every chunk counted once across the reports");
        var audit = io.restassured.RestAssured.given()
                .header("Authorization", dev.livetoken.support.Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/tokens")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(renewals + 1, audit.getList("items").size(), "one mint, then renewals only");
        assertEquals(java.util.Set.copyOf(audit.getList("items.id", Integer.class)), java.util.Set.copyOf(tokenIds));
    }

    /** Length of a WAV in seconds. */
    static final class AudioSystemFrames {
        static double seconds(Path wav) {
            try {
                AudioFileFormat f = AudioSystem.getAudioFileFormat(wav.toFile());
                return f.getFrameLength() / f.getFormat().getFrameRate();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
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
