package dev.livetoken.doctor;

import java.net.URI;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.livetoken.emulator.EmulatorFaults;
import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.emulator.SetupSchema;
import dev.livetoken.support.Admin;
import dev.livetoken.support.Contract;
import dev.livetoken.support.LiveTestSocket;
import dev.livetoken.support.Mints;
import dev.livetoken.support.TestJwts;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The token doctor answers every finding code of {@link CloseDictionary} from a close the emulator
 * really sent, and only to the token's owner (or its tenant's admins).
 */
@QuarkusTest
@Tag("store")
class TokenDoctorTest {

    static final String MODEL = "models/gemini-3.5-live-translate-preview";
    static final String ALICE = TestJwts.bearer("doc-alice", "acme");

    @Inject
    EmulatorTokenStore store;

    static String mint(String bearer) {
        return Mints.post(bearer, "{\"targetLanguageCode\":\"es\"}")
                .statusCode(201)
                .extract()
                .path("token");
    }

    static JsonPath diagnose(String bearer, String token, LiveTestSocket.Close close, int status) {
        ObjectNode body = new ObjectMapper().createObjectNode().put("token", token);
        if (close != null) {
            body.put("closeCode", close.code()).put("closeReason", close.reason());
        }
        String answer = given().filter(Contract.VALIDATED)
                .header("Authorization", bearer)
                .contentType("application/json")
                .body(body.toString())
                .when()
                .post("/v1/tokens/diagnose")
                .then()
                .statusCode(status)
                .extract()
                .asString();
        assertFalse(answer.contains(token), "the doctor never echoes the token");
        return new JsonPath(answer);
    }

    static List<String> codes(String token, LiveTestSocket.Close close) {
        return diagnose(ALICE, token, close, 200).getList("findings.code");
    }

    static String setup(String model, String extraGeneration, String handle) {
        return "{\"setup\":{\"model\":\"" + model + "\",\"generationConfig\":{\"responseModalities\":"
                + (extraGeneration == null ? "[\"AUDIO\"]" : extraGeneration) + "},\"sessionResumption\":"
                + (handle == null ? "{}" : "{\"handle\":\"" + handle + "\"}") + "}}";
    }

    static String audio() {
        byte[] pcm = new byte[3200];
        for (int i = 0; i < pcm.length; i += 2) {
            pcm[i + 1] = 0x20; // loud enough not to be silence
        }
        return "{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=16000\",\"data\":\""
                + Base64.getEncoder().encodeToString(pcm) + "\"}}}";
    }

    /** The close of a session opened at {@code path} with {@code token} and sent {@code messages}. */
    static LiveTestSocket.Close closeAt(String path, String token, String query, String... messages) {
        LiveTestSocket s = LiveTestSocket.open(
                URI.create(LiveTestSocket.uri(path, token) + (query == null ? "" : "&" + query)), Map.of());
        for (String m : messages) {
            s.send(m);
        }
        return s.awaitClose();
    }

    static LiveTestSocket.Close closeOf(String token, String... messages) {
        return closeAt(LiveTestSocket.PATH, token, null, messages);
    }

    String storeToken(Instant expire, Instant newSession, boolean lockModel) throws Exception {
        ObjectNode setup = SetupSchema.normalise(new ObjectMapper().readTree("{\"model\":\"" + MODEL + "\"}"), "t");
        return store.create(1, expire, newSession, setup, lockModel ? List.of("model") : List.of("tools"));
    }

    @Test
    void usesExhaustedFromASecondNewSessionOnAOneUseToken() {
        String token = mint(ALICE);
        LiveTestSocket first = LiveTestSocket.open(token).send(setup(MODEL, null, null));
        assertTrue(first.next().has("setupComplete"));
        first.close();
        LiveTestSocket.Close c = closeOf(token, setup(MODEL, null, null));
        assertEquals(new LiveTestSocket.Close(1008, "Auth token has no uses left."), c);
        JsonPath d = diagnose(ALICE, token, c, 200);
        assertEquals(List.of("uses-exhausted"), d.getList("findings.code"));
        assertEquals("live", d.getString("token.status"));
        assertEquals("es", d.getString("token.translationConfig.targetLanguageCode"));
        assertTrue(d.getList("token.lockedFields").contains("generationConfig.translationConfig"));
        assertTrue(d.getString("findings[0].fix").contains("Resume"));
    }

    @Test
    void tokenExpiredAndNewSessionWindowClosedFromTheEmulatorsCloses() throws Exception {
        Instant now = Instant.now();
        LiveTestSocket.Close expired =
                closeOf(storeToken(now.minusSeconds(1), now.minusSeconds(2), true), setup(MODEL, null, null));
        assertEquals(List.of("token-expired"), codes(mint(ALICE), expired));
        LiveTestSocket.Close window =
                closeOf(storeToken(now.plusSeconds(600), now.minusSeconds(1), true), setup(MODEL, null, null));
        assertEquals(1008, window.code());
        assertEquals(List.of("new-session-window-closed"), codes(mint(ALICE), window));
    }

    @Test
    void lockedFieldConflictAndInvalidArgumentFrom1007() {
        String token = mint(ALICE);
        LiveTestSocket.Close c = closeOf(token, setup(MODEL, "[\"SOUND\"]", null));
        assertEquals(1007, c.code());
        assertEquals(List.of("locked-field-conflict", "invalid-argument"), codes(token, c));
        LiveTestSocket.Close badJson = closeOf(token, "{\"setup\":");
        assertEquals(List.of("invalid-argument"), codes(token, badJson));
    }

    @Test
    void wrongEndpointAndWrongModel() throws Exception {
        String token = mint(ALICE);
        LiveTestSocket.Close endpoint = closeAt(
                "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent",
                token,
                null,
                setup(MODEL, null, null));
        assertEquals(List.of("wrong-endpoint"), codes(token, endpoint));
        Instant now = Instant.now();
        LiveTestSocket.Close model = closeOf(
                storeToken(now.plusSeconds(600), now.plusSeconds(60), false),
                setup("models/gemini-2.0-flash-live-001", null, null));
        assertEquals(1008, model.code());
        assertEquals(List.of("wrong-model"), codes(token, model));
    }

    @Test
    void quotaDeadlineAndNetworkFromInjectedFaults() {
        String token = mint(ALICE);
        String q = EmulatorFaults.QUERY_PARAMETER + "=";
        LiveTestSocket.Close quota =
                closeAt(LiveTestSocket.PATH, token, q + "resource-exhausted@1", setup(MODEL, null, null), audio());
        assertEquals(List.of("quota-or-overload"), codes(token, quota));
        String token2 = mint(ALICE);
        LiveTestSocket.Close deadline =
                closeAt(LiveTestSocket.PATH, token2, q + "goaway-deadline@1", setup(MODEL, null, null), audio());
        assertEquals(List.of("deadline-expired"), codes(token2, deadline));
        String token3 = mint(ALICE);
        LiveTestSocket.Close drop =
                closeAt(LiveTestSocket.PATH, token3, q + "drop@1", setup(MODEL, null, null), audio());
        assertEquals(1006, drop.code());
        assertEquals(List.of("network"), codes(token3, drop));
    }

    @Test
    void unknownForACloseTheDictionaryDoesNotKnow() {
        String token = mint(ALICE);
        LiveTestSocket.Close stale = closeOf(token, setup(MODEL, null, "emulated-no-such-handle"));
        assertEquals(new LiveTestSocket.Close(1008, "BidiGenerateContent session not found"), stale);
        assertEquals(List.of("unknown"), codes(token, stale));
    }

    @Test
    void onlyTheOwnerAndTheTenantsAdminsMayAsk() {
        String token = mint(ALICE);
        JsonPath none = diagnose(ALICE, token, null, 200);
        assertEquals(List.of(), none.getList("findings"), "no close, live token: nothing to report");
        diagnose(TestJwts.bearer("doc-bob", "acme"), token, null, 404);
        diagnose(TestJwts.bearer("doc-admin", "other", "tenant-admin"), token, null, 404);
        diagnose(TestJwts.bearer("doc-admin", "acme", "tenant-admin"), token, null, 200);
        diagnose(Admin.PLATFORM, token, null, 200);
        given().filter(Contract.VALIDATED)
                .header("Authorization", ALICE)
                .contentType("application/json")
                .body("{\"token\":\"not-a-token\"}")
                .when()
                .post("/v1/tokens/diagnose")
                .then()
                .statusCode(400);
    }
}
