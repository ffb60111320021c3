package dev.livetoken.client;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PcmTest {

    @TempDir
    Path dir;

    static Path wav(Path file, float rate, int channels, int bits, boolean bigEndian, double seconds) throws Exception {
        int frames = (int) (rate * seconds);
        int bytesPerSample = bits / 8;
        byte[] data = new byte[frames * channels * bytesPerSample];
        for (int f = 0; f < frames; f++) {
            short v = (short) (10000 * Math.sin(2 * Math.PI * 300 * f / rate));
            for (int c = 0; c < channels; c++) {
                int i = (f * channels + c) * bytesPerSample;
                if (bits == 8) {
                    data[i] = (byte) (v >> 8);
                } else if (bigEndian) {
                    data[i] = (byte) (v >> 8);
                    data[i + 1] = (byte) v;
                } else {
                    data[i] = (byte) v;
                    data[i + 1] = (byte) (v >> 8);
                }
            }
        }
        AudioFormat fmt = new AudioFormat(rate, bits, channels, true, bigEndian);
        AudioSystem.write(
                new AudioInputStream(new ByteArrayInputStream(data), fmt, frames),
                AudioFileFormat.Type.WAVE,
                file.toFile());
        return file;
    }

    @Test
    void stereo44kWavBecomes16kMono() throws Exception {
        byte[] pcm = Pcm.read16kMono(wav(dir.resolve("s.wav"), 44_100, 2, 16, false, 1.0));
        assertEquals(16_000 * 2, pcm.length);
    }

    @Test
    void eightBitMono8kWavBecomes16kMono() throws Exception {
        byte[] pcm = Pcm.read16kMono(wav(dir.resolve("m.wav"), 8_000, 1, 8, false, 0.5));
        assertEquals(8_000 * 2, pcm.length);
    }

    @Test
    void resamplingKeepsDurationAndInterpolates() {
        short[] out = Pcm.resample(new short[] {0, 300, 600, 900}, 16_000, 24_000);
        assertEquals(6, out.length);
        assertEquals(200, out[1]); // 2/3 of the way from 0 to 300
        assertEquals(400, out[2]); // input position 4/3
        assertEquals(600, out[3]);
    }

    @Test
    void notAWavFileIsBadInput() throws Exception {
        Path f = Files.writeString(dir.resolve("x.wav"), "this is not audio");
        LiveClientException e = assertThrows(LiveClientException.class, () -> Pcm.read16kMono(f));
        assertEquals(LiveClientException.Kind.BAD_INPUT, e.kind());
        assertEquals(
                LiveClientException.Kind.BAD_INPUT,
                assertThrows(LiveClientException.class, () -> Pcm.read16kMono(dir.resolve("missing.wav")))
                        .kind());
    }

    @Test
    void wavWriterProducesA24kMonoWavWithCorrectSizes() throws Exception {
        Path out = dir.resolve("o.wav");
        try (Pcm.WavWriter w = new Pcm.WavWriter(out, Pcm.OUTPUT_RATE)) {
            w.write(new byte[4800]);
            w.write(new byte[4800]);
        }
        AudioFileFormat f = AudioSystem.getAudioFileFormat(out.toFile());
        assertEquals(24_000f, f.getFormat().getSampleRate());
        assertEquals(1, f.getFormat().getChannels());
        assertEquals(16, f.getFormat().getSampleSizeInBits());
        assertEquals(4800, f.getFrameLength());
    }
}
