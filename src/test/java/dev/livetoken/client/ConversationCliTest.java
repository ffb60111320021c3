package dev.livetoken.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.support.Admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code live-translate --conversation} in both modes against the service and its emulator. */
@QuarkusTest
class ConversationCliTest {

    final Path dir = LiveTranslateCliTest.tempDir();

    @Test
    void pairModeFeedsBothSessionsAndWritesOneWavPerDirection() throws Exception {
        String tenant = Admin.newTenant("cli-pair");
        Admin.createPolicy(tenant, "{}");
        Path outDir = dir.resolve("pair");
        LiveTranslateCliTest.Run r = LiveTranslateCliTest.run(
                "--service",
                LiveTranslateCliTest.service(),
                "--dev-user",
                "alice@" + tenant,
                "--conversation",
                "en,ja",
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
        LiveTranslateCliTest.Run r = LiveTranslateCliTest.run(
                "--service",
                LiveTranslateCliTest.service(),
                "--dev-user",
                "alice@" + tenant,
                "--conversation",
                "en,ja",
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
        LiveTranslateCliTest.Run r = LiveTranslateCliTest.run(
                "--service",
                LiveTranslateCliTest.service(),
                "--dev-user",
                "alice@" + tenant,
                "--conversation",
                "en,ja",
                "--mode",
                "interpreter",
                "--in",
                LiveTranslateCliTest.SAMPLE.toString(),
                "--out",
                dir.resolve("x.wav").toString());
        assertEquals(LiveClientException.Kind.MINT_REFUSED.exitCode(), r.exit(), r.err() + r.out());
        assertTrue(r.err().contains("Interpreter conversations are not enabled"), r.err());
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
