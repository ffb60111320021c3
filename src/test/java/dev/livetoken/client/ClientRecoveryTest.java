package dev.livetoken.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.junit.QuarkusTest;

import dev.livetoken.emulator.EmulatorFaults;
import dev.livetoken.emulator.EmulatorFaults.Fault;
import dev.livetoken.emulator.EmulatorFaults.Kind;
import dev.livetoken.emulator.EmulatorTokenStore;
import dev.livetoken.emulator.SetupSchema;
import dev.livetoken.support.LiveTestSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reference client recovers from every failure the emulator can inject (docs/live-api-protocol.md
 * §7) without losing or repeating input: 60 s of audio, streamed 5× faster than real time (12 s),
 * through a TCP drop, a goAway followed by silence, a 1011 RESOURCE_EXHAUSTED close whose first
 * reconnect gets HTTP 429, a goAway followed by 1011 "Deadline expired", and slow pongs (the server
 * stops reading while the TCP connection stays open: only the client's keepalive notices).
 */
@QuarkusTest
class ClientRecoveryTest {

    static final String MODEL = "models/gemini-3.5-live-translate-preview";
    static final List<String> LOCKED_MASK = List.of(
            "model",
            "generationConfig.responseModalities",
            "generationConfig.translationConfig",
            "inputAudioTranscription",
            "outputAudioTranscription");
    static final int CHUNKS = 600; // 60 s of 100 ms chunks
    static final double SPEED = 5;
    /** Pings every 500 ms, dead after 1 s without a pong: a stall is noticed within 1.5 s. */
    static final LiveTranslateSession.Keepalive KEEPALIVE =
            new LiveTranslateSession.Keepalive(Duration.ofMillis(500), Duration.ofSeconds(1));

    @Inject
    EmulatorTokenStore store;

    @Inject
    EmulatorFaults faults;

    static ObjectNode tokenSetup() throws Exception {
        return SetupSchema.normalise(
                new ObjectMapper()
                        .readTree("{\"model\":\"" + MODEL + "\",\"generationConfig\":"
                                + "{\"responseModalities\":[\"AUDIO\"],\"translationConfig\":{\"targetLanguageCode\":\"es\"}},"
                                + "\"inputAudioTranscription\":{},\"outputAudioTranscription\":{}}"),
                "test");
    }

    /** 100 ms of tone whose first 8 bytes carry the chunk's number, so the emulator's log names it. */
    static byte[] chunk(long n) {
        byte[] b = new byte[AudioStreamer.CHUNK_BYTES];
        for (int i = 0; i < b.length / 2; i++) {
            short v = (short) (8000 * Math.sin(2 * Math.PI * 440 * (n * 1600 + i) / 16000.0));
            b[2 * i] = (byte) v;
            b[2 * i + 1] = (byte) (v >> 8);
        }
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (n >>> (8 * i));
        }
        return b;
    }

    static LiveTranslateSession.Options options(String token, LiveTranslateSession.TokenRenewer renewer) {
        return LiveTranslateSession.Options.of(
                        URI.create("ws://localhost:" + LiveTestSocket.httpPort() + LiveTestSocket.PATH),
                        token,
                        MODEL,
                        null,
                        null,
                        false,
                        Duration.ofSeconds(5))
                .withRecovery(
                        new LiveTranslateSession.Recovery(
                                Duration.ofMillis(100), Duration.ofSeconds(2), 10, Duration.ofSeconds(20)),
                        renewer)
                .withKeepalive(KEEPALIVE);
    }

    /** Collects output with its arrival times. */
    static class Output implements LiveTranslateSession.Listener {
        final List<long[]> arrivals = new ArrayList<>(); // {nanoTime, bytes}
        final AtomicInteger goAways = new AtomicInteger();
        final Pcm.WavWriter wav;

        Output(Path file) {
            this.wav = new Pcm.WavWriter(file, Pcm.OUTPUT_RATE);
        }

        @Override
        public synchronized void onAudio(byte[] pcm24k) {
            arrivals.add(new long[] {System.nanoTime(), pcm24k.length});
            wav.write(pcm24k);
        }

        @Override
        public void onTranscript(boolean source, String text, String languageCode, boolean finished) {}

        @Override
        public void onGoAway(String timeLeft) {
            goAways.incrementAndGet();
        }

        synchronized double longestGapMillis() {
            double worst = 0;
            for (int i = 1; i < arrivals.size(); i++) {
                worst = Math.max(worst, (arrivals.get(i)[0] - arrivals.get(i - 1)[0]) / 1e6);
            }
            return worst;
        }

        synchronized long bytes() {
            return arrivals.stream().mapToLong(a -> a[1]).sum();
        }
    }

    @Test
    void sixtySecondsThroughFiveInjectedFailuresLoseNoInputAndRepeatNone() throws Exception {
        Instant now = Instant.now();
        String token = store.create(1, now.plusSeconds(600), now.plusSeconds(60), tokenSetup(), LOCKED_MASK);
        // one fault per connection, in order; the 429 refuses the first reconnect after the 1011
        faults.plan(
                token,
                new Fault(Kind.DROP, 120),
                new Fault(Kind.GOAWAY_SILENCE, 120),
                new Fault(Kind.RESOURCE_EXHAUSTED, 120),
                new Fault(Kind.HTTP_429, 0),
                new Fault(Kind.GOAWAY_DEADLINE, 120),
                new Fault(Kind.SLOW_PONGS, 80),
                Fault.NONE);
        Path wavFile = Files.createTempFile("recovery", ".wav");
        Output out = new Output(wavFile);
        LiveTranslateSession session = LiveTranslateSession.open(HttpClient.newHttpClient(), options(token, null), out);
        long cpu0 = LiveTranslateCli.cpuNanos();
        AudioStreamer.Stats stats = AudioStreamer.stream(AudioStreamer.fromPcm(concat()), session::sendAudio, SPEED);
        double cpu = (LiveTranslateCli.cpuNanos() - cpu0) / 1e9 / stats.seconds() * 100;
        session.endAudio();
        session.awaitIdle(Duration.ofMillis(600), Duration.ofSeconds(20));
        session.close();
        out.wav.close();

        assertEquals(
                LongStream.range(0, CHUNKS).boxed().toList(),
                faults.consumed(token),
                "every input chunk reached the emulator exactly once, in order");
        List<LiveTranslateSession.Resumed> rs = session.recoveries();
        assertEquals(5, rs.size(), rs.toString());
        assertTrue(rs.get(0).cause().startsWith("1006"), rs.toString());
        assertEquals("goAway", rs.get(1).cause(), rs.toString());
        assertTrue(rs.get(2).cause().startsWith("1011 RESOURCE_EXHAUSTED"), rs.toString());
        assertEquals(2, rs.get(2).attempts(), "the first reconnect met HTTP 429: " + rs);
        assertEquals("goAway", rs.get(3).cause(), rs.toString());
        assertTrue(rs.get(4).cause().startsWith("1006 no pong within 1000 ms"), rs.toString());
        double worstRecovery = rs.stream()
                .mapToDouble(LiveTranslateSession.Resumed::millis)
                .max()
                .orElseThrow();
        rs.forEach(r -> assertTrue(r.millis() >= 0 && r.millis() < 5000, r.toString()));
        // the emulated translation runs 200 ms behind in tests; output resumes that long after input
        double gap = out.longestGapMillis();
        // a stalled connection is silent until the keepalive gives up on it (at most interval + pong timeout)
        double detection =
                KEEPALIVE.interval().toMillis() + KEEPALIVE.pongTimeout().toMillis();
        assertTrue(
                gap <= worstRecovery + 200 + 300 + detection,
                "longest output gap " + gap + " ms, worst recovery " + worstRecovery + " ms");
        assertTrue(
                out.bytes() >= (long) CHUNKS * AudioStreamer.CHUNK_BYTES * 3 / 2,
                "all audio came back: " + out.bytes());

        String summary = new LiveTranslateCli.Report(
                        stats, session.timeToFirstAudioMillis(), out.bytes(), rs, cpu, wavFile)
                .summary();
        assertTrue(summary.contains("resumptions 5 (1006"), summary);
        String figures = String.format(
                Locale.ROOT,
                "recovery (ms from the drop to the first audio sent on the new "
                        + "connection): drop %.0f, goAway+silence %.0f, 1011 exhausted+429 %.0f, goAway+1011 deadline %.0f, "
                        + "slow pongs (from the missed pong) %.0f; "
                        + "longest output gap %.0f ms; pacing mean %.3f ms worst %.3f ms; CPU %.1f %% of one core%n%s%n",
                rs.get(0).millis(),
                rs.get(1).millis(),
                rs.get(2).millis(),
                rs.get(3).millis(),
                rs.get(4).millis(),
                gap,
                stats.meanErrorMillis(),
                stats.worstErrorMillis(),
                cpu,
                summary);
        Files.writeString(Path.of("target/recovery-figures.txt"), figures);
        System.out.print(figures);
    }

    @Test
    void anExpiredTokenIsRenewedAndTheConversationGoesOnInANewSession() throws Exception {
        // a first connection of a cold JVM on a loaded machine can take seconds: warm up first, so
        // the short-lived token below expires mid-stream, not before its session opened
        Instant warm = Instant.now();
        LiveTranslateSession.open(
                        HttpClient.newHttpClient(),
                        options(
                                store.create(1, warm.plusSeconds(600), warm.plusSeconds(60), tokenSetup(), LOCKED_MASK),
                                null),
                        new Output(Files.createTempFile("warm", ".wav")))
                .close();
        Instant now = Instant.now();
        String first = store.create(1, now.plusSeconds(3), now.plusSeconds(3), tokenSetup(), LOCKED_MASK);
        List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(first));
        List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        // read the port here: the renewer runs on the client's thread, outside the test's config
        String wsUrl = "ws://localhost:" + LiveTestSocket.httpPort() + LiveTestSocket.PATH;
        LiveTranslateSession.TokenRenewer renewer = reason -> {
            Instant t = Instant.now();
            String fresh;
            try {
                fresh = store.create(1, t.plusSeconds(600), t.plusSeconds(60), tokenSetup(), LOCKED_MASK);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            issued.add(fresh);
            return new MintedToken(fresh, wsUrl, true, "es", false, MODEL, null);
        };
        Output out = new Output(Files.createTempFile("renew", ".wav")) {
            @Override
            public void onTokenRenewed(String reason) {
                reasons.add(reason);
            }
        };
        LiveTranslateSession session =
                LiveTranslateSession.open(HttpClient.newHttpClient(), options(first, renewer), out);
        int chunks = 100; // 10 s of audio in 5 s: the token expires after 3 s
        byte[] audio = new byte[chunks * AudioStreamer.CHUNK_BYTES];
        for (int i = 0; i < chunks; i++) {
            System.arraycopy(chunk(i), 0, audio, i * AudioStreamer.CHUNK_BYTES, AudioStreamer.CHUNK_BYTES);
        }
        AudioStreamer.stream(AudioStreamer.fromPcm(audio), session::sendAudio, 2);
        session.endAudio();
        session.awaitIdle(Duration.ofMillis(600), Duration.ofSeconds(20));
        session.close();
        out.wav.close();

        assertEquals(List.of("Auth token has expired."), reasons);
        assertEquals(2, issued.size());
        assertTrue(
                session.recoveries().get(0).newSession(), session.recoveries().toString());
        java.util.Set<Long> heard = new java.util.TreeSet<>(faults.consumed(issued.get(0)));
        heard.addAll(faults.consumed(issued.get(1)));
        assertEquals(LongStream.range(0, chunks).boxed().toList(), List.copyOf(heard), "no chunk was lost");
        assertEquals(
                faults.consumed(issued.get(1)).stream().sorted().toList(),
                faults.consumed(issued.get(1)),
                "the new session heard the rest in order");
    }

    /** Options of a session that knows its token lives {@code lifetime} and renews it {@code ahead}. */
    static LiveTranslateSession.Options renewingAhead(
            String token, LiveTranslateSession.TokenRenewer renewer, Duration lifetime, Duration ahead) {
        return options(token, renewer).withRenewal(lifetime, ahead);
    }

    /** A renewer that issues emulator tokens living {@code lifetime}, after {@code delay}, recording each. */
    LiveTranslateSession.TokenRenewer issuing(List<String> issued, Duration lifetime, Duration delay) {
        String wsUrl = "ws://localhost:" + LiveTestSocket.httpPort() + LiveTestSocket.PATH;
        return reason -> {
            try {
                Thread.sleep(delay.toMillis());
                Instant t = Instant.now();
                String fresh = store.create(1, t.plus(lifetime), t.plus(lifetime), tokenSetup(), LOCKED_MASK);
                issued.add(fresh);
                return new MintedToken(
                        fresh, wsUrl, true, "es", false, MODEL, t.plus(lifetime).toString(), t.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LiveClientException(LiveClientException.Kind.IO, "interrupted");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }

    static byte[] numbered(int chunks) {
        byte[] audio = new byte[chunks * AudioStreamer.CHUNK_BYTES];
        for (int i = 0; i < chunks; i++) {
            System.arraycopy(chunk(i), 0, audio, i * AudioStreamer.CHUNK_BYTES, AudioStreamer.CHUNK_BYTES);
        }
        return audio;
    }

    /**
     * Renewing ahead hands the conversation over before the token expires: every chunk reaches
     * exactly one of the sessions, in order, the old session keeps delivering, and the session's
     * record of it says so.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aTokenRenewedAheadOfItsExpiryHandsOverWithoutLosingOrRepeatingAChunk() throws Exception {
        Duration life = Duration.ofSeconds(4);
        Instant now = Instant.now();
        String first = store.create(1, now.plus(life), now.plus(life), tokenSetup(), LOCKED_MASK);
        List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(first));
        List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        Output out = new Output(Files.createTempFile("ahead", ".wav")) {
            @Override
            public void onTokenRenewed(String reason) {
                reasons.add(reason);
            }
        };
        LiveTranslateSession session = LiveTranslateSession.open(
                HttpClient.newHttpClient(),
                renewingAhead(first, issuing(issued, life, Duration.ZERO), life, Duration.ofSeconds(1)),
                out);
        int chunks = 80; // 8 s of audio in 4 s: the first token is renewed after 3 s (1 s ahead)
        AudioStreamer.stream(AudioStreamer.fromPcm(numbered(chunks)), session::sendAudio, 2);
        session.endAudio();
        session.awaitIdle(Duration.ofMillis(600), Duration.ofSeconds(20));
        session.close();
        out.wav.close();

        assertTrue(issued.size() >= 2, issued.toString());
        assertEquals(java.util.Collections.nCopies(issued.size() - 1, LiveTranslateSession.RENEWING_AHEAD), reasons);
        List<Long> heard = new ArrayList<>();
        issued.forEach(t -> heard.addAll(faults.consumed(t)));
        assertEquals(LongStream.range(0, chunks).boxed().toList(), heard, "each chunk once, in order, across tokens");
        issued.subList(0, issued.size() - 1)
                .forEach(t -> assertFalse(faults.consumed(t).isEmpty(), "every token carried audio"));
        List<LiveTranslateSession.Resumed> rs = session.recoveries();
        assertTrue(
                rs.stream().allMatch(r -> r.cause().equals(LiveTranslateSession.RENEWING_AHEAD) && r.newSession()),
                rs.toString());
        assertTrue(
                out.bytes() >= (long) chunks * AudioStreamer.CHUNK_BYTES * 3 / 2,
                "all audio came back: " + out.bytes());
    }

    /**
     * A renewal slower than the time left: the old token expires first, the server closes its
     * session 1008, and the recovery waits for the renewal under way instead of racing it with a
     * second one: the session the renewal opens becomes the recovery. Nothing is lost; what the
     * expired session had not confirmed is sent again, so only that may be heard twice.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, unit = java.util.concurrent.TimeUnit.SECONDS)
    void aRenewalAheadSlowerThanTheTimeLeftFallsBackToARecoveryWithoutLosingAChunk() throws Exception {
        Duration life = Duration.ofSeconds(3);
        Instant now = Instant.now();
        String first = store.create(1, now.plus(life), now.plus(life), tokenSetup(), LOCKED_MASK);
        List<String> issued = new java.util.concurrent.CopyOnWriteArrayList<>(List.of(first));
        LiveTranslateSession session = LiveTranslateSession.open(
                HttpClient.newHttpClient(),
                // renewed 1 s ahead, but the renewal takes 1.5 s
                renewingAhead(
                        first,
                        issuing(issued, Duration.ofSeconds(30), Duration.ofMillis(1500)),
                        life,
                        Duration.ofSeconds(1)),
                new Output(Files.createTempFile("slow-ahead", ".wav")));
        int chunks = 100; // 10 s of audio in 5 s: the token expires after 3 s, mid-stream
        AudioStreamer.stream(AudioStreamer.fromPcm(numbered(chunks)), session::sendAudio, 2);
        session.endAudio();
        session.awaitIdle(Duration.ofMillis(600), Duration.ofSeconds(20));
        session.close();

        List<Long> heard = new ArrayList<>();
        issued.forEach(t -> heard.addAll(faults.consumed(t)));
        assertEquals(
                LongStream.range(0, chunks).boxed().toList(),
                heard.stream().sorted().distinct().toList(),
                "no chunk lost: " + heard);
        Map<Long, Long> times = heard.stream().collect(Collectors.groupingBy(x -> x, Collectors.counting()));
        assertTrue(times.values().stream().allMatch(n -> n <= 2), "at most twice: " + times);
        assertEquals(null, session.failure());
        assertEquals(2, issued.size(), "the renewal under way became the recovery; no second renewal raced it");
        assertEquals(1, session.recoveries().size(), session.recoveries().toString());
        assertTrue(session.recoveries().get(0).newSession());
        assertTrue(session.recoveries().get(0).millis() >= 0, "audio went on after the recovery");
        System.out.println("slow renewal ahead: " + issued.size() + " tokens, recoveries " + session.recoveries()
                + ", heard twice " + (heard.size() - chunks));
    }

    /**
     * The figures of docs/sessions.md: 60 s streamed in real time through three drops of different
     * kinds (TCP drop, goAway then 1011 deadline, slow pongs) with a 5 s + 5 s keepalive.
     * Takes a minute, so it runs only when asked: {@code -Drecovery.realtime=true}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "recovery.realtime", matches = "true")
    void realTimeSixtySecondsThroughThreeDrops() throws Exception {
        Instant now = Instant.now();
        String token = store.create(1, now.plusSeconds(600), now.plusSeconds(60), tokenSetup(), LOCKED_MASK);
        faults.plan(
                token,
                new Fault(Kind.DROP, 150),
                new Fault(Kind.GOAWAY_DEADLINE, 150),
                new Fault(Kind.SLOW_PONGS, 150),
                Fault.NONE);
        Path wavFile = Files.createTempFile("recovery-rt", ".wav");
        Output out = new Output(wavFile);
        LiveTranslateSession session = LiveTranslateSession.open(
                HttpClient.newHttpClient(), options(token, null).withKeepalive(REAL_TIME_KEEPALIVE), out);
        long cpu0 = LiveTranslateCli.cpuNanos();
        AudioStreamer.Stats stats = AudioStreamer.stream(AudioStreamer.fromPcm(concat()), session::sendAudio, 1);
        double cpu = (LiveTranslateCli.cpuNanos() - cpu0) / 1e9 / stats.seconds() * 100;
        session.endAudio();
        session.awaitIdle(Duration.ofSeconds(1), Duration.ofSeconds(20));
        session.close();
        out.wav.close();
        assertEquals(LongStream.range(0, CHUNKS).boxed().toList(), faults.consumed(token));
        List<LiveTranslateSession.Resumed> rs = session.recoveries();
        assertEquals(3, rs.size(), rs.toString());
        String summary = new LiveTranslateCli.Report(
                        stats, session.timeToFirstAudioMillis(), out.bytes(), rs, cpu, wavFile)
                .summary();
        String figures = String.format(
                Locale.ROOT,
                "real time, 60 s, three drops: recovery drop %.0f ms, "
                        + "goAway+1011 deadline %.0f ms, slow pongs %.0f ms (after the missed pong, keepalive 5 s + 5 s); "
                        + "longest output gap %.0f ms; pacing mean %.3f ms worst %.3f ms; client CPU %.2f %% of one core "
                        + "(whole test JVM, server included)%n%s%n",
                rs.get(0).millis(),
                rs.get(1).millis(),
                rs.get(2).millis(),
                out.longestGapMillis(),
                stats.meanErrorMillis(),
                stats.worstErrorMillis(),
                cpu,
                summary);
        Files.writeString(Path.of("target/recovery-realtime.txt"), figures);
        System.out.print(figures);
    }

    /** Tighter than the default (15 s + 45 s, which allows for Gemini's slow pongs): the emulator pongs at once. */
    static final LiveTranslateSession.Keepalive REAL_TIME_KEEPALIVE =
            new LiveTranslateSession.Keepalive(Duration.ofSeconds(5), Duration.ofSeconds(5));

    static byte[] concat() {
        byte[] all = new byte[CHUNKS * AudioStreamer.CHUNK_BYTES];
        for (int i = 0; i < CHUNKS; i++) {
            System.arraycopy(chunk(i), 0, all, i * AudioStreamer.CHUNK_BYTES, AudioStreamer.CHUNK_BYTES);
        }
        return all;
    }
}
