package dev.livetoken.emulator;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class LiveApiEmulatorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL = "models/gemini-3.5-live-translate-preview";
    /** What our service locks (MintService: constraints + tools and systemInstruction). */
    static final List<String> LOCKED_MASK = List.of(
            "model",
            "generationConfig.responseModalities",
            "generationConfig.translationConfig",
            "inputAudioTranscription",
            "outputAudioTranscription",
            "tools",
            "systemInstruction");

    @Inject
    EmulatorTokenStore store;

    @Inject
    ResumptionHandles handles;

    static ObjectNode tokenSetup(String lang) throws Exception {
        String tc = lang == null
                ? ""
                : ",\"translationConfig\":{\"targetLanguageCode\":\"" + lang + "\",\"echoTargetLanguage\":false}";
        return SetupSchema.normalise(
                JSON.readTree("{\"model\":\"" + MODEL + "\",\"generationConfig\":"
                        + "{\"responseModalities\":[\"AUDIO\"]" + tc + "},\"inputAudioTranscription\":{},"
                        + "\"outputAudioTranscription\":{}}"),
                "test");
    }

    String lockedToken(int uses) throws Exception {
        Instant now = Instant.now();
        return store.create(uses, now.plus(Duration.ofMinutes(10)), now.plusSeconds(60), tokenSetup("es"), LOCKED_MASK);
    }

    static String setup(String lang, String handle) {
        String sr = handle == null ? "{}" : "{\"handle\":\"" + handle + "\"}";
        return "{\"setup\":{\"model\":\"" + MODEL + "\",\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],"
                + "\"translationConfig\":{\"targetLanguageCode\":\"" + lang + "\"}},"
                + "\"inputAudioTranscription\":{},\"outputAudioTranscription\":{},\"sessionResumption\":" + sr + "}}";
    }

    static String audio(byte[] pcm, boolean urlSafe) {
        String data = (urlSafe ? Base64.getUrlEncoder() : Base64.getEncoder()).encodeToString(pcm);
        return "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\"" + data + "\"}}}";
    }

    static byte[] tone(int samples) {
        byte[] b = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        return b;
    }

    static String handleOf(LiveTestSocket s) {
        return s.nextWith("sessionResumptionUpdate")
                .path("sessionResumptionUpdate")
                .path("newHandle")
                .asText();
    }

    @Test
    void setupCompleteComesFirstThenEmulatedAudioAndTranscripts() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", null));
        assertEquals(JSON.readTree("{\"setupComplete\":{}}"), s.next());
        for (int i = 0; i < 10; i++) {
            s.send(audio(java.util.Arrays.copyOfRange(tone(16000), i * 3200, (i + 1) * 3200), false));
        }
        s.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonNode input = null;
        JsonNode output = null;
        boolean usage = false;
        while (output == null || !output.path("finished").asBoolean()) {
            JsonNode m = s.next();
            JsonNode sc = m.path("serverContent");
            for (JsonNode p : sc.path("modelTurn").path("parts")) {
                assertEquals(
                        "audio/pcm;rate=24000",
                        p.path("inlineData").path("mimeType").asText());
                out.write(Base64.getDecoder()
                        .decode(p.path("inlineData").path("data").asText()));
            }
            usage |= m.has("usageMetadata");
            input = sc.has("inputTranscription") ? sc.get("inputTranscription") : input;
            output = sc.has("outputTranscription") ? sc.get("outputTranscription") : output;
        }
        assertEquals(48_000, out.size(), "1 s of 16 kHz input gives 1 s of 24 kHz output");
        assertTrue(usage, "usageMetadata streams with the audio");
        assertTrue(input.path("text").asText().startsWith("[emulated]"), input.toString());
        assertTrue(output.path("text").asText().startsWith("[emulated]"), output.toString());
        assertEquals("es", output.path("languageCode").asText());
        assertFalse(s.isClosed());
        assertEquals(0, s.textMessages(), "Google sends binary frames, so does the emulator by default");
        assertTrue(s.binaryMessages() > 10, "every message came as a binary frame: " + s.binaryMessages());
        s.close();
    }

    @Test
    void lockedFieldsOverrideTheClientsSetup() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("fr", null));
        assertTrue(s.next().has("setupComplete"));
        s.send(audio(tone(1600), false)).send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        JsonNode out = s.nextWith("outputTranscription").path("serverContent").path("outputTranscription");
        assertEquals("es", out.path("languageCode").asText(), "the token's language wins over the client's fr");
        assertTrue(out.path("text").asText().endsWith("translated to es"));
        s.close();
    }

    @Test
    void unlockedTokenLetsTheClientChooseTheLanguage() throws Exception {
        Instant now = Instant.now();
        String token = store.create(
                1,
                now.plusSeconds(600),
                now.plusSeconds(60),
                tokenSetup(null),
                List.of(
                        "model",
                        "generationConfig.responseModalities",
                        "inputAudioTranscription",
                        "outputAudioTranscription",
                        "tools",
                        "systemInstruction"));
        LiveTestSocket s = LiveTestSocket.open(token);
        s.send(setup("fr", null));
        assertTrue(s.next().has("setupComplete"));
        s.send(audio(tone(1600), false)).send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        assertEquals(
                "fr",
                s.nextWith("outputTranscription")
                        .path("serverContent")
                        .path("outputTranscription")
                        .path("languageCode")
                        .asText());
        s.close();
    }

    @Test
    void useIsSpentOnNewSessionButNotOnResumption() throws Exception {
        String token = lockedToken(1);
        LiveTestSocket first = LiveTestSocket.open(token);
        first.send(setup("es", null));
        assertTrue(first.next().has("setupComplete"));
        String handle = handleOf(first);
        first.close();
        assertEquals(0, store.find(token).orElseThrow().usesLeft());

        LiveTestSocket resumed = LiveTestSocket.open(token);
        resumed.send(setup("es", handle));
        assertTrue(resumed.next().has("setupComplete"), "resuming needs no use");
        resumed.send(audio(tone(1600), false));
        assertTrue(resumed.nextWith("modelTurn").has("serverContent"));
        assertFalse(resumed.isClosed());
        resumed.close();
    }

    @Test
    void newSessionWithNoUsesLeftIsClosedWith1008() throws Exception {
        String token = lockedToken(1);
        LiveTestSocket first = LiveTestSocket.open(token);
        first.send(setup("es", null));
        assertTrue(first.next().has("setupComplete"));
        first.close();
        LiveTestSocket second = LiveTestSocket.open(token);
        second.send(setup("es", null));
        assertEquals(new LiveTestSocket.Close(1008, "Auth token has no uses left."), second.awaitClose());
    }

    @Test
    void newSessionWindowPassedRefusesNewSessionButAllowsResumption() throws Exception {
        Instant now = Instant.now();
        String token = store.create(0, now.plusSeconds(600), now.minusSeconds(1), tokenSetup("es"), LOCKED_MASK);
        String handle = handles.issue(
                new ResumptionHandles.Session(token, new EmulatedTranslation("es"), tokenSetup("es")),
                now.plusSeconds(60));
        LiveTestSocket fresh = LiveTestSocket.open(token);
        fresh.send(setup("es", null));
        LiveTestSocket.Close c = fresh.awaitClose();
        assertEquals(1008, c.code());
        assertTrue(c.reason().contains("newSessionExpireTime"), c.reason());

        LiveTestSocket resumed = LiveTestSocket.open(token);
        resumed.send(setup("es", handle));
        assertTrue(resumed.next().has("setupComplete"));
        resumed.close();
    }

    @Test
    void expiredTokenIsClosedWith1008() throws Exception {
        Instant now = Instant.now();
        String token = store.create(1, now.minusSeconds(1), now.minusSeconds(2), tokenSetup("es"), LOCKED_MASK);
        // refusals come on the first client message (docs/live-api-protocol.md, emulator decisions)
        assertEquals(
                new LiveTestSocket.Close(1008, "Auth token has expired."),
                LiveTestSocket.open(token).send(setup("es", null)).awaitClose());
    }

    @Test
    void unknownOrMissingTokenIsClosedWith1008() {
        assertEquals(
                new LiveTestSocket.Close(1008, "Auth token is not valid."),
                LiveTestSocket.open("auth_tokens/not-a-real-one")
                        .send(setup("es", null))
                        .awaitClose());
        LiveTestSocket.Close none =
                LiveTestSocket.open(null).send(setup("es", null)).awaitClose();
        assertEquals(1008, none.code());
        assertTrue(none.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123);
    }

    @Test
    void unknownResumptionHandleIsClosedWith1008SessionNotFound() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", "emulated-no-such-handle"));
        assertEquals(new LiveTestSocket.Close(1008, "BidiGenerateContent session not found"), s.awaitClose());
    }

    @Test
    void badJsonIsClosedWith1007() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send("{\"setup\":");
        assertEquals(new LiveTestSocket.Close(1007, "Invalid JSON payload received."), s.awaitClose());
    }

    @Test
    void unknownFieldIsClosedWith1007() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send("{\"setup\":{\"model\":\"" + MODEL + "\",\"inputAudioTranscriptionz\":{}}}");
        LiveTestSocket.Close c = s.awaitClose();
        assertEquals(1007, c.code());
        assertTrue(c.reason().contains("Unknown name \"inputAudioTranscriptionz\""), c.reason());
    }

    @Test
    void messageBeforeSetupIsClosedWith1007() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(audio(tone(160), false));
        assertEquals(1007, s.awaitClose().code());
    }

    @Test
    void refusalWaitsForTheFirstClientMessage() throws Exception {
        LiveTestSocket s = LiveTestSocket.open("auth_tokens/not-a-real-one");
        Thread.sleep(300);
        assertFalse(s.isClosed(), "a bad token is refused on the first message, like a spent one");
        s.send(setup("es", null));
        assertEquals(1008, s.awaitClose().code());
    }

    @Test
    void tokenAloneInGoogApiKeyIsRefusedAsAnInvalidApiKey() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(
                LiveTestSocket.uri(LiveTestSocket.PATH, null), Map.of("x-goog-api-key", lockedToken(1)));
        s.send(setup("es", null));
        assertEquals(new LiveTestSocket.Close(1008, "API key not valid. Please pass a valid API key."), s.awaitClose());
    }

    @Test
    void tokenInAuthorizationHeaderWithExtraGoogApiKeyIsAccepted() throws Exception {
        String token = lockedToken(1);
        LiveTestSocket s = LiveTestSocket.open(
                LiveTestSocket.uri(LiveTestSocket.PATH, null),
                Map.of("Authorization", "Token " + token, "x-goog-api-key", token));
        s.send(setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        s.close();
    }

    @Test
    void wrongPathIsClosedWith1008() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(
                LiveTestSocket.uri(
                        "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                        lockedToken(1)),
                Map.of());
        s.send(setup("es", null));
        assertEquals(1008, s.awaitClose().code());
    }

    @Test
    void urlSafeBase64AudioIsAccepted() throws Exception {
        byte[] pcm = new byte[3200];
        for (int i = 0; i < pcm.length; i += 2) {
            pcm[i] = (byte) 0xfb; // encodes to '-'/'_' in the URL-safe alphabet
            pcm[i + 1] = (byte) 0xef; // loud enough not to count as silence
        }
        assertTrue(Base64.getUrlEncoder().encodeToString(pcm).matches(".*[-_].*"));
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        s.send(audio(pcm, true));
        JsonNode part = s.nextWith("modelTurn")
                .path("serverContent")
                .path("modelTurn")
                .path("parts")
                .get(0);
        byte[] out =
                Base64.getDecoder().decode(part.path("inlineData").path("data").asText());
        assertTrue(out.length > 4000);
        assertEquals((byte) 0xfb, out[0]);
        assertFalse(s.isClosed());
        s.close();
    }

    String unlockedToken() throws Exception {
        Instant now = Instant.now();
        return store.create(1, now.plusSeconds(600), now.plusSeconds(60), null, null);
    }

    /** Audio bytes that come back for {@code pcm}, collected until the turn completes. */
    static int audioBack(LiveTestSocket s, byte[] pcm) {
        s.send(audio(pcm, false)).send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        int bytes = 0;
        while (true) {
            JsonNode m = s.next();
            for (JsonNode p : m.path("serverContent").path("modelTurn").path("parts")) {
                bytes += Base64.getDecoder()
                        .decode(p.path("inlineData").path("data").asText())
                        .length;
            }
            if (m.path("serverContent").path("turnComplete").asBoolean()) {
                return bytes;
            }
        }
    }

    @Test
    void silenceInNothingOut() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        assertEquals(0, audioBack(s, new byte[3200]));
        s.close();
    }

    @Test
    void translatedAudioRunsBehindTheInputAndTheTurnEndsWithGenerationAndTurnComplete() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        long sent = System.nanoTime();
        s.send(audio(tone(1600), false));
        s.nextWith("modelTurn");
        long ms = (System.nanoTime() - sent) / 1_000_000;
        assertTrue(ms >= 150, "the test profile's 200 ms translation delay, was " + ms);
        s.send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        s.nextWith("generationComplete");
        JsonNode done = s.nextWith("turnComplete");
        assertTrue(done.path("usageMetadata").path("totalTokenCount").asLong() > 0, done.toString());
        s.close();
    }

    @Test
    void usageMetadataIsCumulative() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        long last = -1;
        for (int i = 0; i < 5; i++) {
            s.send(audio(tone(1600), false));
            long total = s.nextWith("modelTurn")
                    .path("usageMetadata")
                    .path("promptTokenCount")
                    .asLong();
            assertTrue(total > last, "counts grow, never reset: " + total + " after " + last);
            last = total;
        }
        s.close();
    }

    @Test
    void speechAlreadyInTheTargetLanguageIsEchoedOnlyWhenAsked() throws Exception {
        for (boolean echo : new boolean[] {false, true}) {
            LiveTestSocket t = LiveTestSocket.open(
                    java.net.URI.create(
                            LiveTestSocket.uri(LiveTestSocket.PATH, unlockedToken()) + "&emulator_source_language=es"),
                    Map.of());
            t.send("{\"setup\":{\"model\":\"" + MODEL + "\",\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],"
                    + "\"translationConfig\":{\"targetLanguageCode\":\"es\",\"echoTargetLanguage\":" + echo + "}},"
                    + "\"inputAudioTranscription\":{}}}");
            assertTrue(t.next().has("setupComplete"));
            int back = audioBack(t, tone(1600));
            if (echo) {
                assertEquals(2400 * 2, back, "echo on: Spanish speech is parroted");
            } else {
                assertEquals(0, back, "echo off: no audio for Spanish speech into Spanish");
            }
            t.close();
        }
    }

    @Test
    void inputTranscriptNamesTheLanguageTheEmulatorWasTold() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(lockedToken(1));
        s.send(setup("es", null));
        assertTrue(s.next().has("setupComplete"));
        s.send(audio(tone(1600), false)).send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        assertEquals(
                "en",
                s.nextWith("inputTranscription")
                        .path("serverContent")
                        .path("inputTranscription")
                        .path("languageCode")
                        .asText(),
                "the configured default source language");
        s.close();
    }

    @Test
    void setupWithoutTranslationConfigTranslatesToEnglish() throws Exception {
        LiveTestSocket s = LiveTestSocket.open(
                java.net.URI.create(
                        LiveTestSocket.uri(LiveTestSocket.PATH, unlockedToken()) + "&emulator_source_language=fr"),
                Map.of());
        s.send("{\"setup\":{\"model\":\"" + MODEL + "\",\"outputAudioTranscription\":{},\"labels\":{\"app\":\"x\"}}}");
        assertTrue(s.next().has("setupComplete"), "labels (JS SDK 3.1.0) are accepted");
        s.send(audio(tone(1600), false)).send("{\"realtimeInput\":{\"audioStreamEnd\":true}}");
        assertEquals(
                "en",
                s.nextWith("outputTranscription")
                        .path("serverContent")
                        .path("outputTranscription")
                        .path("languageCode")
                        .asText());
        s.close();
    }

    @Test
    void invalidSetupsAreRefused() throws Exception {
        LiveTestSocket sound = LiveTestSocket.open(lockedToken(1));
        sound.send(
                "{\"setup\":{\"model\":\"" + MODEL + "\",\"generationConfig\":{\"responseModalities\":[\"SOUND\"]}}}");
        LiveTestSocket.Close c = sound.awaitClose();
        assertEquals(1007, c.code());
        assertTrue(c.reason().contains("response_modalities[0]"), c.reason());

        LiveTestSocket nested = LiveTestSocket.open(lockedToken(1));
        nested.send("{\"setup\":{\"model\":\"" + MODEL + "\",\"sessionResumption\":{\"handel\":\"x\"}}}");
        assertTrue(nested.awaitClose().reason().contains("Unknown name \"handel\""));

        LiveTestSocket language = LiveTestSocket.open(unlockedToken());
        language.send(setup("xx-nope", null));
        LiveTestSocket.Close l = language.awaitClose();
        assertEquals(1007, l.code());
        assertTrue(l.reason().contains("xx-nope"), l.reason());

        LiveTestSocket model = LiveTestSocket.open(unlockedToken());
        model.send("{\"setup\":{\"model\":\"models/gemini-2.0-flash-live-001\"}}");
        LiveTestSocket.Close m = model.awaitClose();
        assertEquals(1008, m.code());
        assertTrue(
                m.reason().startsWith("models/gemini-2.0-flash-live-001 is not found for API version v1alpha"),
                m.reason());
    }
}
