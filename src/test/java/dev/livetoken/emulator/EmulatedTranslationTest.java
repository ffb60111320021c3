package dev.livetoken.emulator;

import java.io.ByteArrayOutputStream;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmulatedTranslationTest {

    static byte[] ramp(int samples) {
        byte[] b = new byte[samples * 2];
        for (int i = 0; i < samples; i++) {
            b[2 * i] = (byte) (i * 30);
            b[2 * i + 1] = (byte) ((i * 30) >> 8);
        }
        return b;
    }

    @Test
    void resamples16kTo24kAcrossChunkBoundariesLikeOneBlock() throws Exception {
        byte[] in = ramp(1600);
        EmulatedTranslation.Resampler whole = new EmulatedTranslation.Resampler(16_000, 24_000);
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        a.write(whole.process(in));
        a.write(whole.flush());
        EmulatedTranslation.Resampler chunked = new EmulatedTranslation.Resampler(16_000, 24_000);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int off = 0; off < in.length; off += 202) { // odd sample counts on purpose
            b.write(chunked.process(java.util.Arrays.copyOfRange(in, off, Math.min(in.length, off + 202))));
        }
        b.write(chunked.flush());
        assertEquals(2400 * 2, a.size(), "100 ms in, 100 ms out");
        assertArrayEquals(a.toByteArray(), b.toByteArray());
        byte[] out = a.toByteArray();
        short s1 = (short) ((out[2] & 0xff) | (out[3] << 8));
        assertEquals(20, s1, "sample 1 sits 2/3 of the way from 0 to 30");
    }

    @Test
    void transcriptsSayTheyAreEmulated() {
        EmulatedTranslation t = new EmulatedTranslation("de");
        t.feed(ramp(19_200), 16_000);
        assertTrue(t.transcriptDue(1.0));
        String[] texts = t.nextTranscripts();
        assertEquals("[emulated] 1.2 s of speech heard", texts[0]);
        assertEquals("[emulated] 1.2 s of speech, translated to de", texts[1]);
    }

    @Test
    void base64InEitherAlphabetDecodes() {
        byte[] raw = {(byte) 0xfb, (byte) 0xff, (byte) 0xbf, 1, 2};
        assertArrayEquals(
                raw, EmulatedTranslation.decodeBase64(Base64.getEncoder().encodeToString(raw)));
        assertArrayEquals(
                raw, EmulatedTranslation.decodeBase64(Base64.getUrlEncoder().encodeToString(raw)));
        assertArrayEquals(
                raw,
                EmulatedTranslation.decodeBase64(
                        Base64.getUrlEncoder().withoutPadding().encodeToString(raw)));
        assertThrows(IllegalArgumentException.class, () -> EmulatedTranslation.decodeBase64("a-b+"));
    }

    @Test
    void closeReasonsAreCutTo123BytesWithoutSplittingCharacters() {
        String r = LiveCloses.truncate("é".repeat(100));
        assertTrue(r.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123);
        assertEquals(61, r.length());
        assertTrue(LiveCloses.truncate(LiveCloses.NO_IDENTITY.reason()).startsWith("Method doesn't allow"));
    }
}
