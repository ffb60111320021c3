package dev.livetoken.client;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;

/** PCM helpers: read any common WAV as 16 kHz mono PCM16LE, and write 24 kHz WAV files. */
public final class Pcm {

    /** The Live API's input format (docs/live-api-protocol.md §5). */
    public static final int INPUT_RATE = 16_000;
    /** The Live API's output format. */
    public static final int OUTPUT_RATE = 24_000;
    /** Longest input file accepted (one hour). */
    static final long MAX_SECONDS = 3600;

    private Pcm() {}

    /**
     * Reads a WAV (or AIFF/AU) file with {@code javax.sound.sampled} and converts it to 16 kHz mono
     * 16-bit little-endian: the decoder handles bit depth, endianness and µ-law/A-law; we downmix and
     * resample ourselves because the JDK has no sample-rate converter.
     */
    public static byte[] read16kMono(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LiveClientException(LiveClientException.Kind.BAD_INPUT, "Input file not found: " + file);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
                AudioInputStream in = AudioSystem.getAudioInputStream(raw)) {
            AudioFormat src = in.getFormat();
            if (src.getFrameRate() <= 0 || src.getChannels() < 1) {
                throw new LiveClientException(
                        LiveClientException.Kind.BAD_INPUT, "Unsupported audio format in " + file);
            }
            if (in.getFrameLength() > 0 && in.getFrameLength() / src.getFrameRate() > MAX_SECONDS) {
                throw new LiveClientException(
                        LiveClientException.Kind.BAD_INPUT, "Input longer than one hour: " + file);
            }
            AudioFormat pcm16 = new AudioFormat(
                    AudioFormat.Encoding.PCM_SIGNED,
                    src.getSampleRate(),
                    16,
                    src.getChannels(),
                    2 * src.getChannels(),
                    src.getSampleRate(),
                    false);
            byte[] interleaved;
            try (AudioInputStream conv = AudioSystem.getAudioInputStream(pcm16, in)) {
                interleaved = conv.readAllBytes();
            }
            short[] mono = downmix(interleaved, src.getChannels());
            return toBytes(resample(mono, Math.round(src.getSampleRate()), INPUT_RATE));
        } catch (UnsupportedAudioFileException | IllegalArgumentException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.BAD_INPUT,
                    "Not a readable WAV file: " + file + " (" + e.getMessage() + ")",
                    e);
        } catch (IOException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.BAD_INPUT, "Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static short[] downmix(byte[] pcm, int channels) {
        int frames = pcm.length / (2 * channels);
        short[] out = new short[frames];
        for (int f = 0; f < frames; f++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                int i = (f * channels + c) * 2;
                sum += (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
            }
            out[f] = (short) (sum / channels);
        }
        return out;
    }

    /** Linear-interpolation resampling; good enough for speech sent to a speech model. */
    public static short[] resample(short[] in, int inRate, int outRate) {
        if (inRate == outRate || in.length == 0) {
            return in;
        }
        int n = (int) ((long) in.length * outRate / inRate);
        short[] out = new short[n];
        for (int k = 0; k < n; k++) {
            long num = (long) k * inRate;
            int i = (int) (num / outRate);
            long rem = num % outRate;
            int a = in[Math.min(i, in.length - 1)];
            int b = in[Math.min(i + 1, in.length - 1)];
            out[k] = (short) (a + (b - a) * rem / outRate);
        }
        return out;
    }

    static byte[] toBytes(short[] s) {
        byte[] b = new byte[s.length * 2];
        for (int i = 0; i < s.length; i++) {
            b[2 * i] = (byte) s[i];
            b[2 * i + 1] = (byte) (s[i] >> 8);
        }
        return b;
    }

    /** Streams mono PCM16LE into a WAV file and fixes the header sizes on close. Thread-safe. */
    public static final class WavWriter implements AutoCloseable {
        private final RandomAccessFile file;
        private final int rate;
        private long dataBytes;

        public WavWriter(Path path, int rate) {
            this.rate = rate;
            try {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                this.file = new RandomAccessFile(path.toFile(), "rw");
                file.setLength(0);
                file.write(header(0));
            } catch (IOException e) {
                throw new LiveClientException(
                        LiveClientException.Kind.IO, "Cannot write " + path + ": " + e.getMessage(), e);
            }
        }

        public synchronized void write(byte[] pcm) {
            try {
                file.write(pcm);
                dataBytes += pcm.length;
            } catch (IOException e) {
                throw new LiveClientException(LiveClientException.Kind.IO, "Cannot write output: " + e.getMessage(), e);
            }
        }

        public synchronized long dataBytes() {
            return dataBytes;
        }

        @Override
        public synchronized void close() {
            try {
                file.seek(0);
                file.write(header(dataBytes));
                file.close();
            } catch (IOException e) {
                throw new LiveClientException(
                        LiveClientException.Kind.IO, "Cannot finish output: " + e.getMessage(), e);
            }
        }

        private byte[] header(long data) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) (36 + data));
            b.put("WAVEfmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                    .putInt(16);
            b.putShort((short) 1)
                    .putShort((short) 1)
                    .putInt(rate)
                    .putInt(rate * 2)
                    .putShort((short) 2)
                    .putShort((short) 16);
            b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) data);
            return b.array();
        }
    }
}
