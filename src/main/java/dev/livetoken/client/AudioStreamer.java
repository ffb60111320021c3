package dev.livetoken.client;

import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.LineUnavailableException;
import javax.sound.sampled.TargetDataLine;

/**
 * Streams 16 kHz mono PCM16LE in 100 ms chunks (3200 bytes), paced in real time: chunk i is due at
 * start + i × 100 ms on the monotonic clock (so delays never accumulate), and the lateness of every
 * send against that schedule is measured.
 */
public final class AudioStreamer {

    public static final int CHUNK_BYTES = 3200;
    public static final long CHUNK_NANOS = 100_000_000L;

    /** Where audio comes from. */
    public interface Source extends AutoCloseable {
        /** Fills {@code chunk}; returns the bytes read, or -1 at the end. May block (a microphone does). */
        int read(byte[] chunk);

        /** True when the source paces itself (a microphone), so the streamer must not wait. */
        default boolean realTime() {
            return false;
        }

        @Override
        default void close() {}
    }

    /** How the stream went: chunks, bytes and the pacing error (absolute lateness) in milliseconds. */
    public record Stats(int chunks, long bytes, double meanErrorMillis, double worstErrorMillis, double seconds) {}

    private AudioStreamer() {}

    public static Source fromPcm(byte[] pcm16k) {
        return new Source() {
            private int pos;

            @Override
            public int read(byte[] chunk) {
                if (pos >= pcm16k.length) {
                    return -1;
                }
                int n = Math.min(chunk.length, pcm16k.length - pos);
                System.arraycopy(pcm16k, pos, chunk, 0, n);
                pos += n;
                return n;
            }
        };
    }

    /** The default microphone at 16 kHz mono 16-bit, for at most {@code maxSeconds}. */
    public static Source microphone(int maxSeconds) {
        AudioFormat f = new AudioFormat(Pcm.INPUT_RATE, 16, 1, true, false);
        TargetDataLine line;
        try {
            line = AudioSystem.getTargetDataLine(f);
            line.open(f, CHUNK_BYTES * 4);
        } catch (LineUnavailableException | IllegalArgumentException | SecurityException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.BAD_INPUT, "No usable microphone: " + e.getMessage(), e);
        }
        line.start();
        long maxBytes = (long) maxSeconds * Pcm.INPUT_RATE * 2;
        return new Source() {
            private long total;

            @Override
            public int read(byte[] chunk) {
                if (total >= maxBytes) {
                    return -1;
                }
                int n = line.read(chunk, 0, chunk.length);
                total += n;
                return n;
            }

            @Override
            public boolean realTime() {
                return true;
            }

            @Override
            public void close() {
                line.stop();
                line.close();
            }
        };
    }

    /** Streams the source to {@code sink} until it ends, in real time. */
    public static Stats stream(Source source, Consumer<byte[]> sink) {
        return stream(source, sink, 1.0);
    }

    /**
     * Streams the source to {@code sink} until it ends, {@code speed} times faster than real time
     * (tests and load runs; a microphone is always real time). Pacing errors are measured against
     * that schedule.
     */
    public static Stats stream(Source source, Consumer<byte[]> sink, double speed) {
        long interval = Math.round(CHUNK_NANOS / speed);
        byte[] buf = new byte[CHUNK_BYTES];
        long start = System.nanoTime();
        long sumError = 0;
        long worst = 0;
        long bytes = 0;
        int i = 0;
        while (true) {
            int n = source.read(buf);
            if (n <= 0) {
                break;
            }
            // a microphone delivers chunk i once it has been captured, i.e. at its end
            long due = start + (source.realTime() ? (i + 1) * CHUNK_NANOS : i * interval);
            if (!source.realTime()) {
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            long error = Math.abs(System.nanoTime() - due);
            sink.accept(n == buf.length ? buf.clone() : Arrays.copyOf(buf, n));
            sumError += error;
            worst = Math.max(worst, error);
            bytes += n;
            i++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Stats(i, bytes, i == 0 ? 0 : sumError / 1e6 / i, worst / 1e6, seconds);
    }
}
