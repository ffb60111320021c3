package dev.livetoken.emulator;

import java.util.Base64;
import java.util.Locale;

/**
 * The emulator's stand-in for Live Translate. It does NOT translate: the "translated" audio is the
 * input resampled to 24 kHz, and every transcript says "[emulated]", so nobody mistakes it for a
 * real translation. Deterministic, so tests can check exact output. Not thread-safe: one per session.
 */
public final class EmulatedTranslation {

    /** Output rate of the Live API (docs/live-api-protocol.md §5). */
    public static final int OUTPUT_RATE = 24_000;
    /** Input rate the Live API assumes when the mime type names none. */
    public static final int DEFAULT_INPUT_RATE = 16_000;

    /** Peak below which a chunk counts as silence: about -50 dBFS. */
    static final int SILENCE_PEAK = 100;

    private final String targetLanguage;
    private final String sourceLanguage;
    private final boolean echoTargetLanguage;
    /** A dialogue model interpreting (docs/live-api-protocol.md §10) rather than Live Translate translating. */
    private final boolean interpreting;

    private Resampler resampler;
    private long inputSamples;
    private long reportedSamples;

    public EmulatedTranslation(String targetLanguage) {
        this(targetLanguage, "und", false);
    }

    /**
     * @param sourceLanguage the language the emulator "hears" (it cannot detect one: it is told,
     *        see docs/live-api-protocol.md, emulator decisions)
     */
    public EmulatedTranslation(String targetLanguage, String sourceLanguage, boolean echoTargetLanguage) {
        this(targetLanguage, sourceLanguage, echoTargetLanguage, false);
    }

    private EmulatedTranslation(
            String targetLanguage, String sourceLanguage, boolean echoTargetLanguage, boolean interpreting) {
        this.targetLanguage = targetLanguage;
        this.sourceLanguage = sourceLanguage;
        this.echoTargetLanguage = echoTargetLanguage;
        this.interpreting = interpreting;
    }

    /**
     * A dialogue model interpreting {@code source} into {@code target}: it always answers (an
     * interpreter has no echo setting), and its output transcript names the direction.
     */
    public static EmulatedTranslation interpreting(String source, String target) {
        return new EmulatedTranslation(target, source, true, true);
    }

    public boolean isInterpreting() {
        return interpreting;
    }

    public String targetLanguage() {
        return targetLanguage;
    }

    public String sourceLanguage() {
        return sourceLanguage;
    }

    /**
     * Whether speech is answered with audio: not when it is already in the target language and
     * echo is off (Live Translate then stays quiet, docs/live-api-protocol.md §3).
     */
    public boolean speaks() {
        return echoTargetLanguage || !samePrimaryLanguage(sourceLanguage, targetLanguage);
    }

    static boolean samePrimaryLanguage(String a, String b) {
        return primary(a).equals(primary(b));
    }

    private static String primary(String code) {
        int dash = code.indexOf('-');
        return (dash < 0 ? code : code.substring(0, dash)).toLowerCase(Locale.ROOT);
    }

    /** True when no sample of the PCM16LE chunk reaches {@link #SILENCE_PEAK}. */
    public static boolean isSilence(byte[] pcm) {
        for (int i = 0; i + 1 < pcm.length; i += 2) {
            int v = (short) ((pcm[i] & 0xff) | (pcm[i + 1] << 8));
            if (v >= SILENCE_PEAK || v <= -SILENCE_PEAK) {
                return false;
            }
        }
        return true;
    }

    /** Seconds of input consumed so far in this session (carried over on resumption). */
    public double inputSeconds() {
        return inputSamples / (double) DEFAULT_INPUT_RATE;
    }

    /** Feeds PCM16LE mono input at {@code rate} and returns the "translated" 24 kHz PCM16LE. */
    public byte[] feed(byte[] pcm, int rate) {
        if (resampler == null || resampler.inRate() != rate) {
            resampler = new Resampler(rate, OUTPUT_RATE);
        }
        inputSamples += (long) (pcm.length / 2) * DEFAULT_INPUT_RATE / rate;
        return resampler.process(pcm);
    }

    /** At the end of the input stream: the remaining output samples. */
    public byte[] flush() {
        return resampler == null ? new byte[0] : resampler.flush();
    }

    /** True once at least {@code seconds} of new input arrived since the last transcript. */
    public boolean transcriptDue(double seconds) {
        return (inputSamples - reportedSamples) >= seconds * DEFAULT_INPUT_RATE;
    }

    /** The source-side transcript text for the input since the last one, and marks it reported. */
    public String[] nextTranscripts() {
        double secs = (inputSamples - reportedSamples) / (double) DEFAULT_INPUT_RATE;
        reportedSamples = inputSamples;
        String s = String.format(Locale.ROOT, "%.1f", secs);
        return new String[] {
            "[emulated] " + s + " s of speech heard",
            interpreting
                    ? "[emulated] " + s + " s of speech, interpreted " + sourceLanguage + " -> " + targetLanguage
                    : "[emulated] " + s + " s of speech, translated to " + targetLanguage
        };
    }

    /** Tokens the emulator bills for audio: Gemini counts 32 tokens per second of audio. */
    public static long audioTokens(long bytes, int rate) {
        return Math.round(bytes / 2.0 / rate * 32);
    }

    /** Decodes base64 in either alphabet (the Python SDK sends URL-safe, Java/JS send standard). */
    public static byte[] decodeBase64(String data) {
        String s = data.trim();
        boolean url = s.indexOf('-') >= 0 || s.indexOf('_') >= 0;
        return url ? Base64.getUrlDecoder().decode(s) : Base64.getMimeDecoder().decode(s);
    }

    /** Streaming linear-interpolation resampler for PCM16LE mono; keeps state across chunks. */
    public static final class Resampler {
        private final int inRate;
        private final int outRate;
        private long outIndex; // next output sample, absolute
        private long base; // absolute input index of pending[0]
        private short[] pending = new short[0];

        public Resampler(int inRate, int outRate) {
            if (inRate <= 0 || outRate <= 0) {
                throw new IllegalArgumentException("rates must be positive");
            }
            this.inRate = inRate;
            this.outRate = outRate;
        }

        public int inRate() {
            return inRate;
        }

        public byte[] process(byte[] pcm) {
            int n = pcm.length / 2;
            short[] all = new short[pending.length + n];
            System.arraycopy(pending, 0, all, 0, pending.length);
            for (int i = 0; i < n; i++) {
                all[pending.length + i] = (short) ((pcm[2 * i] & 0xff) | (pcm[2 * i + 1] << 8));
            }
            pending = all;
            return emit(false);
        }

        public byte[] flush() {
            return emit(true);
        }

        private byte[] emit(boolean flush) {
            long end = base + pending.length; // exclusive
            // output sample k sits at input position k * in / out
            long maxOut = flush ? ceilDiv(end * outRate, inRate) : lastComplete(end);
            int count = (int) Math.max(0, maxOut - outIndex);
            byte[] out = new byte[count * 2];
            for (int j = 0; j < count; j++, outIndex++) {
                long num = outIndex * inRate;
                long i = num / outRate;
                long rem = num % outRate;
                int a = sample(i, end);
                int b = sample(i + 1, end);
                int v = (int) (a + (b - a) * rem / outRate);
                out[2 * j] = (byte) v;
                out[2 * j + 1] = (byte) (v >> 8);
            }
            // keep from the input sample the next output needs
            long keepFrom = Math.min(end, outIndex * inRate / outRate);
            int drop = (int) (keepFrom - base);
            if (drop > 0) {
                short[] rest = new short[pending.length - drop];
                System.arraycopy(pending, drop, rest, 0, rest.length);
                pending = rest;
                base = keepFrom;
            }
            return out;
        }

        /** Outputs whose two neighbouring input samples (i and i+1) have both arrived. */
        private long lastComplete(long end) {
            // need i + 1 < end, i.e. k * in / out <= end - 2, and k*in/out < end-1 when rem > 0
            if (end < 2) {
                return outIndex;
            }
            return Math.floorDiv((end - 1) * outRate - 1, inRate) + 1;
        }

        private int sample(long i, long end) {
            if (i >= end) {
                return pending.length == 0 ? 0 : pending[pending.length - 1];
            }
            return pending[(int) (i - base)];
        }

        private static long ceilDiv(long a, long b) {
            return -Math.floorDiv(-a, b);
        }
    }
}
