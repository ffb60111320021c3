package dev.livetoken.emulator;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.AsyncSession;
import com.google.genai.Client;
import com.google.genai.types.AudioTranscriptionConfig;
import com.google.genai.types.Blob;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.CreateAuthTokenConfig;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.LiveConnectConfig;
import com.google.genai.types.LiveConnectConstraints;
import com.google.genai.types.LiveSendRealtimeInputParameters;
import com.google.genai.types.LiveServerMessage;
import com.google.genai.types.Modality;
import com.google.genai.types.Part;
import com.google.genai.types.Transcription;
import com.google.genai.types.TranslationConfig;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import okhttp3.OkHttpClient;

import dev.livetoken.support.DevTls;
import dev.livetoken.upstream.AuthTokenBodies;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.LiveSetup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unmodified official Java SDK (google-genai 1.70.0) against our service and emulator. */
@QuarkusTest
class OfficialSdkConformanceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "gemini-3.5-live-translate-preview";

    @Test
    void sdkOpensLiveSessionWithTokenMintedByOurService() throws Exception {
        String jwt = given().contentType(ContentType.JSON)
                .body("{\"subject\":\"sdk-user\",\"tenant\":\"acme\"}")
                .post("/dev/v1/jwt")
                .then()
                .statusCode(200)
                .extract()
                .path("jwt");
        String token = given().auth()
                .oauth2(jwt)
                .contentType(ContentType.JSON)
                .body("{\"targetLanguageCode\":\"es\"}")
                .post("/v1/tokens")
                .then()
                .statusCode(201)
                .extract()
                .path("token");

        OkHttpClient ok = new OkHttpClient.Builder()
                .sslSocketFactory(DevTls.sslContext().getSocketFactory(), DevTls.trustManager())
                .build();
        Client client = Client.builder()
                .apiKey(token)
                .httpOptions(HttpOptions.builder()
                        .baseUrl("https://localhost:" + DevTls.httpsPort())
                        .apiVersion("v1alpha")
                        .build())
                .clientOptions(ClientOptions.builder().customHttpClient(ok).build())
                .build();
        LiveConnectConfig config = LiveConnectConfig.builder()
                .responseModalities(Modality.Known.AUDIO)
                .inputAudioTranscription(AudioTranscriptionConfig.builder().build())
                .outputAudioTranscription(AudioTranscriptionConfig.builder().build())
                .build();
        // connect() completes only once the first server message was setupComplete
        AsyncSession session = client.async.live.connect(MODEL, config).get(10, TimeUnit.SECONDS);
        BlockingQueue<LiveServerMessage> received = new LinkedBlockingQueue<>();
        session.receive(received::add);
        byte[] second = LiveApiEmulatorTest.tone(16_000);
        for (int i = 0; i < 10; i++) {
            byte[] chunk = java.util.Arrays.copyOfRange(second, i * 3200, (i + 1) * 3200);
            session.sendRealtimeInput(LiveSendRealtimeInputParameters.builder()
                            .audio(Blob.builder()
                                    .mimeType("audio/pcm;rate=16000")
                                    .data(chunk)
                                    .build())
                            .build())
                    .get(5, TimeUnit.SECONDS);
        }
        session.sendRealtimeInput(LiveSendRealtimeInputParameters.builder()
                        .audioStreamEnd(true)
                        .build())
                .get(5, TimeUnit.SECONDS);

        int audioBytes = 0;
        Transcription in = null;
        Transcription out = null;
        while (out == null || !out.finished().orElse(false)) {
            LiveServerMessage m = received.poll(5, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("SDK received no more messages; audio so far " + audioBytes);
            }
            if (m.serverContent().isPresent()) {
                var sc = m.serverContent().get();
                for (Part p : sc.modelTurn().flatMap(c -> c.parts()).orElse(List.of())) {
                    audioBytes += p.inlineData()
                            .flatMap(Blob::data)
                            .map(d -> d.length)
                            .orElse(0);
                }
                in = sc.inputTranscription().orElse(in);
                out = sc.outputTranscription().orElse(out);
            }
        }
        session.close().get(5, TimeUnit.SECONDS);
        assertEquals(48_000, audioBytes, "the SDK decoded 1 s of 24 kHz PCM16");
        assertTrue(in.text().orElseThrow().startsWith("[emulated]"));
        assertEquals("es", out.languageCode().orElseThrow());
        assertTrue(out.text().orElseThrow().contains("translated to es"));
    }

    /** Locked (our LOCKED tokens), UNLOCKED ([] and no translation) and a global lock (no list). */
    @ParameterizedTest
    @ValueSource(strings = {"locked", "unlocked", "global"})
    void sdkAuthTokensCreateSendsTheSameBodyAsOurUpstreamClient(String mode) throws Exception {
        BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            bodies.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
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
            boolean translate = !mode.equals("unlocked");
            List<String> lock = switch (mode) {
                case "locked" -> List.of("tools", "systemInstruction");
                case "unlocked" -> List.of();
                default -> null;
            };
            LiveConnectConfig.Builder cfg = LiveConnectConfig.builder().responseModalities(Modality.Known.AUDIO);
            if (translate) {
                cfg.translationConfig(TranslationConfig.builder()
                                .targetLanguageCode("es")
                                .echoTargetLanguage(false)
                                .build())
                        .inputAudioTranscription(
                                AudioTranscriptionConfig.builder().build())
                        .outputAudioTranscription(
                                AudioTranscriptionConfig.builder().build());
            }
            CreateAuthTokenConfig.Builder sdk = CreateAuthTokenConfig.builder()
                    .uses(2)
                    .expireTime(expire)
                    .newSessionExpireTime(newSession)
                    .liveConnectConstraints(LiveConnectConstraints.builder()
                            .model(MODEL)
                            .config(cfg.build())
                            .build());
            if (lock != null) {
                sdk.lockAdditionalFields(lock);
            }
            Client client = Client.builder()
                    .apiKey("fake-key")
                    .httpOptions(HttpOptions.builder()
                            .baseUrl("http://127.0.0.1:" + server.getAddress().getPort())
                            .apiVersion("v1alpha")
                            .build())
                    .build();
            assertEquals(
                    "auth_tokens/captured",
                    client.authTokens.create(sdk.build()).name().orElseThrow());
            String captured = bodies.poll(5, TimeUnit.SECONDS);
            assertTrue(captured.startsWith("POST /v1alpha/auth_tokens "), captured);

            LiveSetup ours = new LiveSetup(
                    MODEL,
                    List.of("AUDIO"),
                    translate ? new LiveSetup.Translation("es", false) : null,
                    translate,
                    translate);
            byte[] body = AuthTokenBodies.encode(new AuthTokenSpec(2, expire, newSession, ours, lock));
            assertEquals(
                    normalised(JSON.readTree(captured.substring(captured.indexOf('{')))),
                    normalised(JSON.readTree(body)));
        } finally {
            server.stop(0);
        }
    }

    /** Timestamps as instants (the SDK and we may format them differently); fieldMask as a set. */
    static JsonNode normalised(JsonNode body) {
        ObjectNode n = body.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith("Time")) {
                e.setValue(JSON.getNodeFactory()
                        .textNode(OffsetDateTime.parse(e.getValue().asText())
                                .toInstant()
                                .toString()));
            }
        }
        if (n.has("fieldMask")) {
            n.put(
                    "fieldMask",
                    String.join(
                            ",",
                            new java.util.TreeSet<>(
                                    List.of(n.get("fieldMask").asText().split(",")))));
        }
        return n;
    }
}
