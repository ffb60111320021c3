package dev.livetoken.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden tests: for the same constraints, our body is byte for byte what the official SDK sent
 * (captured in {@code wire/auth_tokens-requests-from-official-js-sdk.txt}, copied from
 * shared/design/wire).
 */
class AuthTokenBodiesTest {

    static final Instant EXPIRE = Instant.parse("2026-11-21T11:19:05.393Z");
    static final Instant NEW_SESSION = Instant.parse("2026-11-21T10:50:05.393Z");
    static final LiveSetup LOCKED_PL = new LiveSetup(
            "gemini-3.5-live-translate-preview", List.of("AUDIO"), new LiveSetup.Translation("pl", true), true, true);
    static List<String> captured;

    @BeforeAll
    static void readCapture() throws IOException {
        try (InputStream in =
                AuthTokenBodiesTest.class.getResourceAsStream("/wire/auth_tokens-requests-from-official-js-sdk.txt")) {
            captured = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> l.startsWith("POST "))
                    .map(l -> l.substring(l.indexOf('{')))
                    .toList();
        }
        assertThat(captured).hasSize(4);
    }

    private static String encode(AuthTokenSpec spec) {
        return new String(AuthTokenBodies.encode(spec), StandardCharsets.UTF_8);
    }

    @Test
    void globalLockMatchesSdkBody() {
        assertThat(encode(new AuthTokenSpec(2, EXPIRE, NEW_SESSION, LOCKED_PL, null)))
                .isEqualTo(captured.get(0));
    }

    @Test
    void lockedWithEmptyLockListMatchesSdkBody() {
        assertThat(encode(new AuthTokenSpec(2, EXPIRE, NEW_SESSION, LOCKED_PL, List.of())))
                .isEqualTo(captured.get(1));
    }

    @Test
    void extraLockedGenerationConfigFieldGetsPrefixLikeSdk() {
        assertThat(encode(new AuthTokenSpec(2, EXPIRE, NEW_SESSION, LOCKED_PL, List.of("temperature"))))
                .isEqualTo(captured.get(2));
    }

    @Test
    void unlockedShapeMatchesSdkBody() {
        LiveSetup unlocked = new LiveSetup("gemini-3.5-live-translate-preview", List.of("AUDIO"), null, false, false);
        assertThat(encode(new AuthTokenSpec(1, null, null, unlocked, List.of())))
                .isEqualTo(captured.get(3));
    }

    @Test
    void serviceLockedTokenLocksToolsAndSystemInstructionVerbatim() {
        String body =
                encode(new AuthTokenSpec(2, EXPIRE, NEW_SESSION, LOCKED_PL, List.of("tools", "systemInstruction")));
        // Same as the SDK's [] body plus the two names appended unchanged (not under generationConfig).
        String sdkEmptyList = captured.get(1);
        String expected = sdkEmptyList.substring(0, sdkEmptyList.length() - 2) + ",tools,systemInstruction\"}";
        assertThat(body).isEqualTo(expected);
    }

    @Test
    void noConstraintsWithLockListSendsRawMaskAndNoSetup() {
        assertThat(encode(new AuthTokenSpec(1, null, null, null, List.of("temperature"))))
                .isEqualTo("{\"uses\":1,\"fieldMask\":\"temperature\"}");
    }

    @Test
    void timestampsAlwaysCarryMilliseconds() {
        assertThat(AuthTokenBodies.timestamp(Instant.parse("2026-01-01T00:00:00Z")))
                .isEqualTo("2026-01-01T00:00:00.000Z");
    }
}
