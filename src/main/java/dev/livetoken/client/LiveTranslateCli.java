package dev.livetoken.client;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line entry point of the reference client: token from the Live Token Service (or given),
 * Live Translate session, WAV file or microphone in, translated WAV and transcripts out.
 * Run {@code --help} for the options. Exit codes: 0 ok, 2 usage or bad input file, 3 service
 * unreachable, 4 mint refused, 5 connection closed by the server, 6 Live API unreachable,
 * 7 gave up resuming within the recovery budget, 1 other. On a failure it cannot recover from, it
 * asks the service's token doctor why and prints the findings.
 */
public final class LiveTranslateCli {

    static final String DEFAULT_MODEL = "models/gemini-3.5-live-translate-preview";
    static final String USAGE = """
            Usage: live-translate [options]
                   live-translate translate-text --target LANG TEXT...   (chat text; translate-text --help)
                   live-translate --conversation A,B [--mode pair|interpreter] ...   (two people; --conversation x,y --help)
              --service URL          Live Token Service base URL (default http://localhost:8080)
              --jwt JWT              your app-user JWT for POST /v1/tokens (or env LIVE_TOKEN_JWT)
              --dev-user SUB@TENANT  dev mode only: get a JWT from the service's /dev/v1/jwt
              --token TOKEN          use this auth_tokens/... token instead of minting (env LIVE_TOKEN)
              --ws-url URL           Live API WebSocket URL for --token (default Google's)
              --target LANG          target language (BCP-47), e.g. es
              --in FILE.wav          audio to translate (any common WAV)
              --mic SECONDS          or: record from the microphone for up to SECONDS
              --out FILE.wav         translated audio, 24 kHz mono (default translated.wav)
              --idle SECONDS         end after this long without output once the input ended (default 3)
              --auth-header          send the token as 'Authorization: Token' instead of ?access_token=
              --resume-budget SECONDS give up resuming after this long without a connection (default 60)
              --speed FACTOR         stream a file FACTOR times faster than real time (default 1)
              --no-report            do not report the session to the service (POST /v1/sessions)
              --renew-ahead SECONDS  renew the token this long before it expires and hand over to a new session
                                     (default 30, a third of the lifetime for short tokens; 0: only once expired)
            """;
    static final String GOOGLE_WS = "wss://generativelanguage.googleapis.com"
            + "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";

    private LiveTranslateCli() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err, System.getenv());
        System.exit(code);
    }

    /** Runs the client; returns the exit code instead of exiting, for tests and embedding. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        if (args.length > 0 && args[0].equals("translate-text")) {
            // The chat half: text translation through the service (TextTranslateCli).
            return TextTranslateCli.run(java.util.Arrays.copyOfRange(args, 1, args.length), out, err, env);
        }
        if (java.util.Arrays.asList(args).contains("--conversation")) {
            // Two people, one device (docs/conversations.md).
            return ConversationRunner.run(args, out, err, env);
        }
        try {
            Report r = translate(parse(args, env), out, err);
            out.println(r.summary());
            return 0;
        } catch (LiveClientException e) {
            return e.report(err, USAGE);
        }
    }

    /** What a run measured. */
    public record Report(
            AudioStreamer.Stats stream,
            double timeToFirstAudioMillis,
            long outputBytes,
            List<LiveTranslateSession.Resumed> recoveries,
            double cpuPercentOfOneCore,
            Path output) {

        String summary() {
            StringBuilder r = new StringBuilder();
            for (LiveTranslateSession.Resumed x : recoveries) {
                r.append(r.isEmpty() ? " (" : ", ")
                        .append(String.format(
                                Locale.ROOT,
                                "%s: %.0f ms%s",
                                shortCause(x.cause()),
                                x.millis(),
                                x.newSession() ? ", new session" : ""));
            }
            if (!r.isEmpty()) {
                r.append(')');
            }
            return String.format(
                    Locale.ROOT,
                    "done: %d chunks (%.1f s of audio) sent in %.1f s; output %s "
                            + "(%.1f s of 24 kHz audio); time to first audio %.0f ms; pacing error mean %.3f ms, worst %.3f ms; "
                            + "resumptions %d%s; client CPU %.2f %% of one core",
                    stream.chunks(),
                    stream.bytes() / 32000.0,
                    stream.seconds(),
                    output,
                    outputBytes / 48000.0,
                    timeToFirstAudioMillis,
                    stream.meanErrorMillis(),
                    stream.worstErrorMillis(),
                    recoveries.size(),
                    r,
                    cpuPercentOfOneCore);
        }

        private static String shortCause(String cause) {
            return cause.length() > 40 ? cause.substring(0, 40) + "…" : cause;
        }
    }

    record Args(
            URI service,
            String jwt,
            String devUser,
            String token,
            String wsUrl,
            String target,
            Path in,
            int micSeconds,
            Path out,
            Duration idle,
            boolean authHeader,
            Duration resumeBudget,
            double speed,
            boolean report,
            Duration renewAhead) {}

    static Args parse(String[] args, Map<String, String> env) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "help requested");
            }
            if (a.equals("--auth-header") || a.equals("--no-report")) {
                o.put(a, "true");
                continue;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "unexpected argument: " + a);
            }
            o.put(a, args[++i]);
        }
        for (String k : o.keySet()) {
            if (!USAGE.contains(k + " ") && !USAGE.contains(k + "\n")) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "unknown option " + k);
            }
        }
        String jwt = o.getOrDefault("--jwt", env.get("LIVE_TOKEN_JWT"));
        String token = o.getOrDefault("--token", env.get("LIVE_TOKEN"));
        if (token == null && jwt == null && !o.containsKey("--dev-user")) {
            throw new LiveClientException(LiveClientException.Kind.USAGE, "give --jwt, --dev-user or --token");
        }
        if (o.containsKey("--in") == o.containsKey("--mic")) {
            throw new LiveClientException(
                    LiveClientException.Kind.USAGE, "give exactly one of --in FILE.wav or --mic SECONDS");
        }
        try {
            return new Args(
                    URI.create(o.getOrDefault("--service", "http://localhost:8080")),
                    jwt,
                    o.get("--dev-user"),
                    token,
                    o.getOrDefault("--ws-url", GOOGLE_WS),
                    o.get("--target"),
                    o.containsKey("--in") ? Path.of(o.get("--in")) : null,
                    o.containsKey("--mic") ? Integer.parseInt(o.get("--mic")) : 0,
                    Path.of(o.getOrDefault("--out", "translated.wav")),
                    Duration.ofMillis(Math.round(Double.parseDouble(o.getOrDefault("--idle", "3")) * 1000)),
                    o.containsKey("--auth-header"),
                    Duration.ofSeconds(Long.parseLong(o.getOrDefault("--resume-budget", "60"))),
                    Double.parseDouble(o.getOrDefault("--speed", "1")),
                    !o.containsKey("--no-report"),
                    renewAhead(o));
        } catch (IllegalArgumentException e) {
            throw new LiveClientException(LiveClientException.Kind.USAGE, "bad value: " + e.getMessage());
        }
    }

    /** {@code --renew-ahead SECONDS}: null (the session's default) when not given. */
    static Duration renewAhead(Map<String, String> o) {
        String v = o.get("--renew-ahead");
        if (v == null) {
            return null;
        }
        long millis = Math.round(Double.parseDouble(v) * 1000);
        if (millis < 0) {
            throw new IllegalArgumentException("--renew-ahead must be 0 or more");
        }
        return Duration.ofMillis(millis);
    }

    static Report translate(Args a, PrintStream out) {
        return translate(a, out, System.err);
    }

    static Report translate(Args a, PrintStream out, PrintStream err) {
        // Read the input first: a bad file should fail before a token use is spent.
        byte[] pcm = a.in() == null ? null : Pcm.read16kMono(a.in());
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        MintedToken token;
        TokenServiceClient service = null;
        String jwt = null;
        if (a.token() != null) {
            token = new MintedToken(a.token(), a.wsUrl(), a.target() == null, a.target(), null, DEFAULT_MODEL, null);
        } else {
            service = new TokenServiceClient(http, a.service());
            jwt = a.jwt();
            if (jwt == null) {
                String[] st = a.devUser().split("@", 2);
                if (st.length != 2) {
                    throw new LiveClientException(LiveClientException.Kind.USAGE, "--dev-user wants SUBJECT@TENANT");
                }
                jwt = service.devJwt(st[0], st[1]);
            }
            token = service.mint(jwt, a.target());
            out.printf(
                    "token: %s language, target %s, model %s, expires %s%n",
                    token.locked() ? "locked" : "unlocked",
                    token.targetLanguageCode() == null ? a.target() : token.targetLanguageCode(),
                    token.model(),
                    token.expireTime());
        }
        if (!token.locked() && a.target() == null) {
            throw new LiveClientException(
                    LiveClientException.Kind.USAGE, "the token is unlocked: choose the language with --target");
        }
        TokenChain chain = new TokenChain(service, jwt, token.token());
        LiveTranslateSession.Options opts = new LiveTranslateSession.Options(
                URI.create(token.websocketUrl()),
                token.token(),
                token.model() == null ? DEFAULT_MODEL : token.model(),
                token.locked() ? null : a.target(),
                null,
                a.authHeader(),
                Duration.ofSeconds(10),
                recovery(a.resumeBudget()),
                chain.renewer(),
                null,
                token.lifetime(),
                a.renewAhead());
        LiveTranslateSession session = null;
        LiveClientException failed = null;
        try (Pcm.WavWriter wav = new Pcm.WavWriter(a.out(), Pcm.OUTPUT_RATE);
                AudioStreamer.Source source =
                        pcm != null ? AudioStreamer.fromPcm(pcm) : AudioStreamer.microphone(a.micSeconds())) {
            LiveTranslateSession.Listener listener = new LiveTranslateSession.Listener() {
                @Override
                public void onAudio(byte[] pcm24k) {
                    chain.received(pcm24k.length);
                    wav.write(pcm24k);
                }

                @Override
                public void onTranscript(boolean src, String text, String lang, boolean finished) {
                    if (!text.isEmpty()) {
                        out.printf(
                                "%s [%s] %s%n", src ? "source     " : "translation", lang == null ? "?" : lang, text);
                    }
                }

                @Override
                public void onGoAway(String timeLeft) {
                    out.println(goAwayLine(timeLeft));
                }

                @Override
                public void onResumed(LiveTranslateSession.Resumed r) {
                    out.println(resumedLine(r));
                }

                @Override
                public void onTokenRenewed(String reason) {
                    out.println(renewedLine(reason));
                }
            };
            session = LiveTranslateSession.open(http, opts, listener);
            chain.attach(session);
            try {
                long cpu0 = cpuNanos();
                LiveTranslateSession s = session;
                AudioStreamer.Stats stats = AudioStreamer.stream(
                        source,
                        pcm16k -> {
                            chain.sent(pcm16k.length);
                            s.sendAudio(pcm16k);
                        },
                        a.speed());
                double cpu = (cpuNanos() - cpu0) / 1e9 / stats.seconds() * 100;
                session.endAudio();
                session.awaitIdle(a.idle(), a.idle().plusSeconds(60));
                return new Report(
                        stats, session.timeToFirstAudioMillis(), wav.dataBytes(), session.recoveries(), cpu, a.out());
            } finally {
                session.close();
            }
        } catch (LiveClientException e) {
            failed = e;
            chain.diagnose(e, err);
            throw e;
        } finally {
            if (a.report()) {
                chain.report(failed, err);
            }
        }
    }

    /** How hard a session tries to resume: the defaults, with the user's budget. */
    static LiveTranslateSession.Recovery recovery(Duration budget) {
        return new LiveTranslateSession.Recovery(Duration.ofMillis(100), Duration.ofSeconds(5), 10, budget);
    }

    static String goAwayLine(String timeLeft) {
        return "server: goAway, " + timeLeft + " left; resuming the session";
    }

    static String resumedLine(LiveTranslateSession.Resumed r) {
        return String.format(
                Locale.ROOT,
                "session resumed (%d) after %s, attempt %d%s",
                r.number(),
                r.cause(),
                r.attempts(),
                r.newSession() ? ", as a new session" : "");
    }

    static String renewedLine(String reason) {
        return "token renewed (" + reason + ")";
    }

    /** Prints the token doctor's findings for an unrecoverable failure; never the token. */
    static void diagnose(TokenServiceClient service, String jwt, String token, LiveClientException e, PrintStream err) {
        try {
            boolean noFrame = e.kind() == LiveClientException.Kind.LIVE_UNREACHABLE;
            // no close frame (refused upgrade, unreachable): what a browser reports as 1006
            var answer = service.diagnose(
                    jwt,
                    token,
                    noFrame ? 1006 : e.closeCode(),
                    noFrame
                            ? (e.closeCode() == 0 ? "" : "HTTP " + e.closeCode() + " on the WebSocket upgrade")
                            : e.closeReason());
            err.println(
                    "diagnosis: token " + answer.path("token").path("status").asText("?"));
            for (var f : answer.path("findings")) {
                err.printf(
                        "  [%s] %s%n    fix: %s%n",
                        f.path("code").asText(),
                        f.path("summary").asText(),
                        f.path("fix").asText());
            }
        } catch (LiveClientException d) {
            err.println("diagnosis unavailable: " + d.getMessage());
        }
    }

    /** CPU time of this whole process (all threads), for the report. */
    static long cpuNanos() {
        var bean = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (bean instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
