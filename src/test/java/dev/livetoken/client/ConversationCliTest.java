package dev.livetoken.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.emulator.EmulatorFaults;
import dev.livetoken.emulator.EmulatorFaults.Fault;
import dev.livetoken.emulator.EmulatorFaults.Kind;
import dev.livetoken.support.Admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code live-translate --conversation} in both modes against the service and its emulator: what each
 * direction hears, through renewals and failures (every wait is bounded: the client's own
 * {@code awaitIdle} and each test's {@link Timeout}).
 */
@QuarkusTest
@Tag("store")
class ConversationCliTest {

    final Path dir = LiveTranslateCliTest.tempDir();

    /** The client in conversation mode, en and ja, as alice of {@code tenant}, with {@code more} options. */
    static LiveTranslateCliTest.Run enJa(String tenant, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "--service",
                LiveTranslateCliTest.service(),
                "--dev-user",
                "alice@" + tenant,
                "--conversation",
                "en,ja"));
        args.addAll(List.of(more));
        return LiveTranslateCliTest.run(args.toArray(String[]::new));
    }

    @Test
    void pairModeFeedsBothSessionsAndWritesOneWavPerDirection() throws Exception {
        String tenant = Admin.newTenant("cli-pair");
        Admin.createPolicy(tenant, "{}");
        Path outDir = dir.resolve("pair");
        LiveTranslateCliTest.Run r = enJa(
                tenant,
                "--in",
                LiveTranslateCliTest.SAMPLE.toString(),
                "--out-dir",
                outDir.toString(),
                "--idle",
                "0.5",
                "--speed",
                "4");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("(pair): 2 token(s)"), r.out());
        // the speaker is English (the emulator's "detected" language): en->ja speaks, ja->en stays quiet
        assertTrue(r.out().contains("en->ja   heard       [en] [emulated]"), r.out());
        assertTrue(r.out().contains("en->ja   translation [ja] [emulated]"), r.out());
        assertTrue(r.out().contains("ja->en   heard       [en] [emulated]"), r.out());
        assertTrue(!r.out().contains("ja->en   translation"), "echo is off: no translation into the language spoken");
        AudioFileFormat enJa =
                AudioSystem.getAudioFileFormat(outDir.resolve("en-ja.wav").toFile());
        AudioFileFormat jaEn =
                AudioSystem.getAudioFileFormat(outDir.resolve("ja-en.wav").toFile());
        assertEquals(24_000f, enJa.getFormat().getSampleRate());
        assertTrue(enJa.getFrameLength() > 0, "the translation into Japanese came back");
        assertEquals(0, jaEn.getFrameLength(), "nothing to translate into English");
    }

    @Test
    void interpreterModeUsesOneSessionAndMixesIntoOneWav() throws Exception {
        String tenant = Admin.newTenant("cli-interp");
        Admin.createPolicy(tenant, "{\"interpreterEnabled\":true}");
        Path out = dir.resolve("interp.wav");
        LiveTranslateCliTest.Run r = enJa(
                tenant,
                "--mode",
                "interpreter",
                "--in",
                LiveTranslateCliTest.SAMPLE.toString(),
                "--out",
                out.toString(),
                "--idle",
                "0.5",
                "--speed",
                "4");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("(interpreter): 1 token(s)"), r.out());
        assertTrue(r.out().contains("en<->ja  translation [ja] [emulated]"), r.out());
        assertTrue(r.out().contains("interpreted en -> ja"), r.out());
        AudioFileFormat f = AudioSystem.getAudioFileFormat(out.toFile());
        assertEquals(24_000f, f.getFormat().getSampleRate());
        assertTrue(f.getFrameLength() > 0);
        assertTrue(Files.size(out) > 44);
    }

    @Test
    void interpreterModeRefusedByPolicyExitsWithTheServicesReason() {
        String tenant = Admin.newTenant("cli-nointerp");
        Admin.createPolicy(tenant, "{}");
        LiveTranslateCliTest.Run r = enJa(
                tenant,
                "--mode",
                "interpreter",
                "--in",
                LiveTranslateCliTest.SAMPLE.toString(),
                "--out",
                dir.resolve("x.wav").toString());
        assertEquals(LiveClientException.Kind.MINT_REFUSED.exitCode(), r.exit(), r.err() + r.out());
        assertTrue(r.err().contains("Interpreter conversations are not enabled"), r.err());
    }

    @Inject
    EmulatorFaults faults;

    @Inject
    AuditLog audit;

    @Inject
    TokenHasher hasher;

    static final int CHUNKS = 100; // 10 s of numbered 100 ms chunks, streamed in real time
    static final List<Long> ALL = LongStream.range(0, CHUNKS).boxed().toList();
    /** Tokens live 6 s: renewed ahead 2 s before they expire, i.e. twice per direction in 10 s. */
    static final String SHORT_TOKENS = "\"tokenLifetimeSeconds\":6,\"newSessionWindowSeconds\":6";

    /** A WAV of numbered 100 ms chunks (16 kHz mono, no resampling): the emulator logs each chunk's number. */
    Path numberedWav() {
        Path p = dir.resolve("numbered.wav");
        try (Pcm.WavWriter w = new Pcm.WavWriter(p, Pcm.INPUT_RATE)) {
            for (int i = 0; i < CHUNKS; i++) {
                w.write(ClientRecoveryTest.chunk(i));
            }
        }
        return p;
    }

    static String conversationId(String out) {
        Matcher m = Pattern.compile("conversation (conv_\\w+) \\(").matcher(out);
        assertTrue(m.find(), out);
        return m.group(1);
    }

    /**
     * What each direction of the conversation heard, token by token in the order they were minted:
     * the chunk numbers the emulator consumed for each token of the conversation's audit trail
     * (renewals included), keyed by direction ({@code into ja}, or {@code interpreter}).
     */
    Map<String, List<List<Long>>> heardByDirection(String tenant, String conversationId) {
        Map<String, String> tokenByHash = new HashMap<>();
        for (String t : faults.tokensWithEvidence()) {
            tokenByHash.put(hasher.hash(t), t);
        }
        Map<String, List<List<Long>>> out = new TreeMap<>();
        for (AuditRecord r : audit.byConversation(tenant, conversationId)) {
            String token = tokenByHash.get(r.tokenHash());
            out.computeIfAbsent(
                            r.targetLanguageCode() == null ? "interpreter" : "into " + r.targetLanguageCode(),
                            k -> new ArrayList<>())
                    .add(token == null ? List.of() : faults.consumed(token));
        }
        return out;
    }

    /** The client's own summary of each session's resumptions and renewals (ms to the first audio on the new connection). */
    static void figures(String out) {
        out.lines().filter(l -> l.contains("resumption(s) and renewal(s)")).forEach(System.out::println);
    }

    static List<Long> concat(List<List<Long>> perToken) {
        return perToken.stream().flatMap(List::stream).toList();
    }

    static JsonPath sessions(String tenant) {
        return given().header("Authorization", Admin.PLATFORM)
                .when()
                .get("/admin/v1/tenants/" + tenant + "/sessions?limit=100")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
    }

    /**
     * The issue's scenario for a pair: both directions' tokens expire mid-way, each direction renews
     * through POST /v1/tokens/renew with its own current token, ahead of the expiry, and hands over to
     * a new session before the old one ends, so every chunk reaches each direction exactly once, in
     * order. Each token used is reported once, and its record joins the conversation.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void eachDirectionOfAPairRenewsItsOwnTokenAheadOfExpiryAndHearsEveryChunkExactlyOnce() {
        String tenant = Admin.newTenant("cli-pair-renew");
        Admin.createPolicy(tenant, "{" + SHORT_TOKENS + "}");
        LiveTranslateCliTest.Run r = enJa(
                tenant,
                "--in",
                numberedWav().toString(),
                "--out-dir",
                dir.resolve("pair-renew").toString(),
                "--idle",
                "0.5");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertFalse(r.err().contains("session report not sent"), r.err());
        assertTrue(r.out().contains("en->ja   token renewed (renewing ahead of expiry)"), r.out());
        assertTrue(r.out().contains("ja->en   token renewed (renewing ahead of expiry)"), r.out());

        figures(r.out());
        Map<String, List<List<Long>>> heard = heardByDirection(tenant, conversationId(r.out()));
        assertEquals(java.util.Set.of("into ja", "into en"), heard.keySet(), heard.toString());
        heard.forEach((direction, perToken) -> {
            assertTrue(perToken.size() >= 2, direction + " renewed: " + perToken);
            perToken.forEach(t -> assertFalse(t.isEmpty(), direction + ": every token carried audio " + perToken));
            assertEquals(ALL, concat(perToken), direction + ": every chunk exactly once, in order, across its tokens");
        });
        int tokens = heard.values().stream().mapToInt(List::size).sum();
        JsonPath s = sessions(tenant);
        assertEquals(tokens, s.getList("items").size(), "one report per token: " + s.prettify());
        assertEquals(tokens, new java.util.HashSet<>(s.getList("items.tokenAuditId")).size());
        assertEquals(
                java.util.Set.of(1000), java.util.Set.copyOf(s.getList("items.closeCode")), "handed over, then closed");
        double sent = s.getList("items.audioSecondsSent", Float.class).stream()
                .mapToDouble(Float::doubleValue)
                .sum();
        assertEquals(2 * CHUNKS / 10.0, sent, 0.2, "each direction's chunks counted once across its reports");
    }

    /** The same for an interpreter conversation: one session, renewed as an interpreter token for the same pair. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anInterpreterConversationRenewsAheadOfExpiryAndHearsEveryChunkExactlyOnce() {
        String tenant = Admin.newTenant("cli-interp-renew");
        Admin.createPolicy(tenant, "{\"interpreterEnabled\":true," + SHORT_TOKENS + "}");
        Path out = dir.resolve("interp-renew.wav");
        LiveTranslateCliTest.Run r = enJa(
                tenant,
                "--mode",
                "interpreter",
                "--in",
                numberedWav().toString(),
                "--out",
                out.toString(),
                "--idle",
                "0.5");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertFalse(r.err().contains("session report not sent"), r.err());
        assertTrue(r.out().contains("en<->ja  token renewed (renewing ahead of expiry)"), r.out());
        assertTrue(r.out().contains("interpreted en -> ja"), r.out());

        Map<String, List<List<Long>>> heard = heardByDirection(tenant, conversationId(r.out()));
        assertEquals(java.util.Set.of("interpreter"), heard.keySet(), heard.toString());
        List<List<Long>> perToken = heard.get("interpreter");
        assertTrue(perToken.size() >= 2, "renewed: " + perToken);
        assertEquals(ALL, concat(perToken), "every chunk exactly once, in order, across the tokens");
        assertEquals(perToken.size(), sessions(tenant).getList("items").size(), "one report per token");
    }

    /**
     * A pair survives what a single session survives, per direction: a TCP drop on one, a goAway
     * then 1011 on the other (both resumed without losing or repeating a chunk), and each token
     * expiring mid-way with renewing ahead switched off: the server closes 1008 "expired", the
     * direction renews through the service and goes on in a new session. A new session cannot know
     * what the expired one consumed last, so it is sent again: nothing is lost, a few chunks may be
     * heard twice (docs/conversations.md).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void eachDirectionOfAPairSurvivesADropAGoAwayAndItsTokensExpiry() {
        String tenant = Admin.newTenant("cli-pair-faults");
        Admin.createPolicy(tenant, "{" + SHORT_TOKENS + "}");
        // the two sessions open one after the other: en->ja's first connection drops after 15
        // chunks, ja->en's gets goAway and 1011 after 25
        faults.planAny(new Fault(Kind.DROP, 15), new Fault(Kind.GOAWAY_DEADLINE, 25));
        LiveTranslateCliTest.Run r;
        try {
            r = enJa(
                    tenant,
                    "--in",
                    numberedWav().toString(),
                    "--out-dir",
                    dir.resolve("pair-faults").toString(),
                    "--idle",
                    "0.5",
                    "--renew-ahead",
                    "0");
        } finally {
            faults.clearPlans();
        }
        assertEquals(0, r.exit(), r.err() + r.out());
        assertFalse(r.err().contains("session report not sent"), r.err());
        assertTrue(r.out().contains("en->ja   session resumed (1) after 1006"), r.out());
        assertTrue(r.out().contains("ja->en   server: goAway"), r.out());
        assertTrue(r.out().contains("ja->en   session resumed (1) after goAway"), r.out());
        assertTrue(r.out().contains("en->ja   token renewed (Auth token has expired.)"), r.out());
        assertTrue(r.out().contains("ja->en   token renewed (Auth token has expired.)"), r.out());

        figures(r.out());
        Map<String, List<List<Long>>> heard = heardByDirection(tenant, conversationId(r.out()));
        assertEquals(java.util.Set.of("into ja", "into en"), heard.keySet(), heard.toString());
        heard.forEach((direction, perToken) -> {
            assertTrue(perToken.size() >= 2, direction + " renewed: " + perToken);
            System.out.println(direction + " heard per token: "
                    + perToken.stream().map(List::size).toList() + " chunks, "
                    + (concat(perToken).size() - CHUNKS) + " twice");
            // within one token (one session, resumed through the faults): exactly once, in order
            perToken.forEach(t -> assertEquals(
                    t.stream().sorted().distinct().toList(), t, direction + ": resumptions repeat nothing"));
            List<Long> all = concat(perToken);
            assertEquals(ALL, all.stream().sorted().distinct().toList(), direction + ": no chunk lost");
            Map<Long, Long> times = all.stream()
                    .collect(java.util.stream.Collectors.groupingBy(x -> x, java.util.stream.Collectors.counting()));
            assertTrue(times.values().stream().allMatch(n -> n <= 2), direction + ": at most twice " + times);
        });
        JsonPath s = sessions(tenant);
        int tokens = heard.values().stream().mapToInt(List::size).sum();
        assertEquals(tokens, s.getList("items").size(), "one report per token: " + s.prettify());
        List<Integer> codes = s.getList("items.closeCode");
        assertEquals(tokens - 2, java.util.Collections.frequency(codes, 1008), "each expired token ended 1008");
        assertEquals(2, java.util.Collections.frequency(codes, 1000), "each direction's last token ended normally");
    }

    @Test
    void mixingSumsSamplesAndClips() {
        byte[] a = {(byte) 0x00, (byte) 0x40, 1, 0}; // 16384, 1
        byte[] b = {(byte) 0x00, (byte) 0x40}; // 16384
        byte[] m = ConversationRunner.mix(List.of(a, b));
        assertEquals(4, m.length);
        assertEquals(Short.MAX_VALUE, (short) ((m[0] & 0xff) | (m[1] << 8)), "clipped, not wrapped");
        assertEquals(1, (short) ((m[2] & 0xff) | (m[3] << 8)));
    }
}
