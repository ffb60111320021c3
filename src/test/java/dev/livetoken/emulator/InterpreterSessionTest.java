package dev.livetoken.emulator;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.AsyncSession;
import com.google.genai.Client;
import com.google.genai.types.AudioTranscriptionConfig;
import com.google.genai.types.Blob;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.Content;
import com.google.genai.types.CreateAuthTokenConfig;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.LiveConnectConfig;
import com.google.genai.types.LiveConnectConstraints;
import com.google.genai.types.LiveSendRealtimeInputParameters;
import com.google.genai.types.LiveServerMessage;
import com.google.genai.types.Modality;
import com.google.genai.types.Part;
import com.google.genai.types.Transcription;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.junit.QuarkusTest;

import okhttp3.OkHttpClient;

import dev.livetoken.support.Admin;
import dev.livetoken.support.DevTls;
import dev.livetoken.support.LiveTestSocket;
import dev.livetoken.support.TestJwts;
import dev.livetoken.upstream.AuthTokenBodies;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.LiveSetup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interpreter conversations end to end on the emulator (docs/conversations.md): a token from
 * {@code POST /v1/conversations} opens a dialogue-model session that interprets in the direction
 * of the speaker's language, refuses a setup changing its locked instruction or tools, and works
 * with the unmodified official Java SDK.
 */
@QuarkusTest
class InterpreterSessionTest {

    static final String DIALOGUE_MODEL = "gemini-3.1-flash-live-preview";

    static String interpreterToken() {
        String tenant = Admin.newTenant("interp-live");
        Admin.createPolicy(tenant, "{\"interpreterEnabled\":true}");
        return given().header("Authorization", TestJwts.bearer("bob", tenant))
                .contentType("application/json")
                .body("{\"languages\":[\"en\",\"ja\"],\"mode\":\"interpreter\"}")
                .when()
                .post("/v1/conversations")
                .then()
                .statusCode(201)
                .extract()
                .path("tokens[0].token");
    }

    /** Sends 1 s of tone and the stream end; returns the last input and output transcripts and the audio bytes. */
    static JsonNode[] speakOneSecond(LiveTestSocket s) {
        byte[] second = LiveApiEmulatorTest.tone(16_000);
        for (int i = 0; i < 10; i++) {
            s.send(LiveApiEmulatorTest.audio(java.util.Arrays.copyOfRange(second, i * 3200, (i + 1) * 3200), false));
        }
        s.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        JsonNode in = null;
        JsonNode out = null;
        int audio = 0;
        while (out == null || !out.path("finished").asBoolean()) {
            JsonNode sc = s.next().path("serverContent");
            for (JsonNode p : sc.path("modelTurn").path("parts")) {
                audio += java.util.Base64.getDecoder()
                        .decode(p.path("inlineData").path("data").asText())
                        .length;
            }
            in = sc.has("inputTranscription") ? sc.get("inputTranscription") : in;
            out = sc.has("outputTranscription") ? sc.get("outputTranscription") : out;
        }
        return new JsonNode[] {in, out, JsonNodeHolder.of(audio)};
    }

    @Test
    void theSessionInterpretsIntoTheOtherLanguageOfThePairWhicheverIsSpoken() {
        String token = interpreterToken();
        // English speaker (the emulator's default "detected" language): interpreted into Japanese
        LiveTestSocket en = LiveTestSocket.open(token);
        en.send("{\"setup\":{\"model\":\"models/" + DIALOGUE_MODEL + "\"}}");
        assertTrue(en.next().has("setupComplete"));
        JsonNode[] heard = speakOneSecond(en);
        assertEquals("en", heard[0].path("languageCode").asText());
        assertEquals("ja", heard[1].path("languageCode").asText());
        assertTrue(heard[1].path("text").asText().contains("interpreted en -> ja"), heard[1].toString());
        assertEquals(48_000, heard[2].asInt(), "1 s of 24 kHz audio answers 1 s of speech");
        en.close();

        // Japanese speaker on a new session of another token: interpreted into English
        LiveTestSocket ja = LiveTestSocket.open(
                LiveTestSocket.uri(LiveTestSocket.PATH, interpreterToken()),
                Map.of("X-Emulator-Source-Language", "ja"));
        ja.send("{\"setup\":{\"model\":\"models/" + DIALOGUE_MODEL + "\",\"inputAudioTranscription\":{}}}");
        assertTrue(ja.next().has("setupComplete"));
        heard = speakOneSecond(ja);
        assertEquals("ja", heard[0].path("languageCode").asText());
        assertEquals("en", heard[1].path("languageCode").asText());
        assertTrue(heard[1].path("text").asText().contains("interpreted ja -> en"), heard[1].toString());
        ja.close();
    }

    @Test
    void aSetupChangingTheLockedInstructionIsRefused() {
        LiveTestSocket s = LiveTestSocket.open(interpreterToken());
        s.send("{\"setup\":{\"model\":\"models/" + DIALOGUE_MODEL + "\",\"systemInstruction\":{\"parts\":"
                + "[{\"text\":\"You are a helpful assistant. Answer any question.\"}]}}}");
        LiveTestSocket.Close c = s.awaitClose();
        assertEquals(1007, c.code());
        assertTrue(c.reason().contains("system_instruction is locked"), c.reason());
    }

    @Test
    void aSetupAddingToolsIsRefused() {
        LiveTestSocket s = LiveTestSocket.open(interpreterToken());
        s.send("{\"setup\":{\"model\":\"models/" + DIALOGUE_MODEL + "\",\"tools\":[{\"googleSearch\":{}}]}}");
        LiveTestSocket.Close c = s.awaitClose();
        assertEquals(1007, c.code());
        assertTrue(c.reason().contains("tools is locked"), c.reason());
    }

    static Client sdkClient(String token) {
        OkHttpClient ok = new OkHttpClient.Builder()
                .sslSocketFactory(DevTls.sslContext().getSocketFactory(), DevTls.trustManager())
                .build();
        return Client.builder()
                .apiKey(token)
                .httpOptions(HttpOptions.builder()
                        .baseUrl("https://localhost:" + DevTls.httpsPort())
                        .apiVersion("v1alpha")
                        .build())
                .clientOptions(ClientOptions.builder().customHttpClient(ok).build())
                .build();
    }

    @Test
    void theOfficialSdkOpensTheInterpreterSessionWithOurToken() throws Exception {
        Client client = sdkClient(interpreterToken());
        LiveConnectConfig config = LiveConnectConfig.builder()
                .responseModalities(Modality.Known.AUDIO)
                .inputAudioTranscription(AudioTranscriptionConfig.builder().build())
                .outputAudioTranscription(AudioTranscriptionConfig.builder().build())
                .build();
        AsyncSession session = client.async.live.connect(DIALOGUE_MODEL, config).get(10, TimeUnit.SECONDS);
        BlockingQueue<LiveServerMessage> received = new LinkedBlockingQueue<>();
        session.receive(received::add);
        byte[] second = LiveApiEmulatorTest.tone(16_000);
        for (int i = 0; i < 10; i++) {
            session.sendRealtimeInput(LiveSendRealtimeInputParameters.builder()
                            .audio(Blob.builder()
                                    .mimeType("audio/pcm;rate=16000")
                                    .data(java.util.Arrays.copyOfRange(second, i * 3200, (i + 1) * 3200))
                                    .build())
                            .build())
                    .get(5, TimeUnit.SECONDS);
        }
        session.sendRealtimeInput(LiveSendRealtimeInputParameters.builder()
                        .audioStreamEnd(true)
                        .build())
                .get(5, TimeUnit.SECONDS);
        int audioBytes = 0;
        Transcription out = null;
        while (out == null || !out.finished().orElse(false)) {
            LiveServerMessage m = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(m, "the SDK received no more messages; audio so far " + audioBytes);
            if (m.serverContent().isPresent()) {
                var sc = m.serverContent().get();
                for (Part p : sc.modelTurn().flatMap(c -> c.parts()).orElse(List.of())) {
                    audioBytes += p.inlineData()
                            .flatMap(Blob::data)
                            .map(d -> d.length)
                            .orElse(0);
                }
                out = sc.outputTranscription().orElse(out);
            }
        }
        session.close().get(5, TimeUnit.SECONDS);
        assertEquals(48_000, audioBytes);
        assertEquals("ja", out.languageCode().orElseThrow());
        assertTrue(out.text().orElseThrow().contains("interpreted en -> ja"));
    }

    @Test
    void theOfficialSdkCannotReplaceTheLockedInstruction() {
        Client client = sdkClient(interpreterToken());
        LiveConnectConfig config = LiveConnectConfig.builder()
                .responseModalities(Modality.Known.AUDIO)
                .systemInstruction(Content.fromParts(Part.fromText("You are a general assistant.")))
                .build();
        // the emulator closes 1007 before setupComplete: the SDK's connect() never completes (docs §8)
        assertThrows(
                Exception.class,
                () -> client.async.live.connect(DIALOGUE_MODEL, config).get(5, TimeUnit.SECONDS));
    }

    /** Our interpreter token body is the body the official SDK sends for the same constraints. */
    @Test
    void theSdkSendsTheSameAuthTokenBodyForAnInterpreterToken() throws Exception {
        BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = "{\"name\":\"auth_tokens/captured\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        try {
            Instant expire = Instant.now().plus(30, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.MILLIS);
            Instant newSession = expire.minus(29, ChronoUnit.MINUTES);
            String instruction = "Interpret English into Japanese and Japanese into English.";
            LiveConnectConfig cfg = LiveConnectConfig.builder()
                    .responseModalities(Modality.Known.AUDIO)
                    .systemInstruction(Content.fromParts(Part.fromText(instruction)))
                    .inputAudioTranscription(AudioTranscriptionConfig.builder().build())
                    .outputAudioTranscription(AudioTranscriptionConfig.builder().build())
                    .build();
            CreateAuthTokenConfig sdk = CreateAuthTokenConfig.builder()
                    .uses(1)
                    .expireTime(expire)
                    .newSessionExpireTime(newSession)
                    .liveConnectConstraints(LiveConnectConstraints.builder()
                            .model(DIALOGUE_MODEL)
                            .config(cfg)
                            .build())
                    .lockAdditionalFields(List.of("tools"))
                    .build();
            Client client = Client.builder()
                    .apiKey("fake-key")
                    .httpOptions(HttpOptions.builder()
                            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                            .apiVersion("v1alpha")
                            .build())
                    .build();
            client.authTokens.create(sdk);
            String captured = bodies.poll(5, TimeUnit.SECONDS);
            LiveSetup ours = new LiveSetup(DIALOGUE_MODEL, List.of("AUDIO"), null, true, true, instruction);
            byte[] body = AuthTokenBodies.encode(new AuthTokenSpec(1, expire, newSession, ours, List.of("tools")));
            assertEquals(
                    OfficialSdkConformanceTest.normalised(OfficialSdkConformanceTest.JSON.readTree(captured)),
                    OfficialSdkConformanceTest.normalised(OfficialSdkConformanceTest.JSON.readTree(body)));
        } finally {
            server.stop(0);
        }
    }

    /** Carries a count next to the transcripts. */
    private static final class JsonNodeHolder {
        static JsonNode of(int n) {
            return OfficialSdkConformanceTest.JSON.getNodeFactory().numberNode(n);
        }
    }
}
