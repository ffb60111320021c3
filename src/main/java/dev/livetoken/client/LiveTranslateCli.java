package dev.livetoken.client;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Command-line entry point of the reference client: token from the Live Token Service (or given),
 * Live Translate session, WAV file or microphone in, translated WAV and transcripts out.
 * Run {@code --help} for the options. Exit codes: 0 ok, 2 usage or bad input file, 3 service
 * unreachable, 4 mint refused, 5 connection closed by the server, 6 Live API unreachable, 1 other.
 */
public final class LiveTranslateCli {

    static final String DEFAULT_MODEL = "models/gemini-3.5-live-translate-preview";
    static final String USAGE = """
            Usage: live-translate [options]
                   live-translate translate-text --target LANG TEXT...   (chat text; translate-text --help)
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
            """;
    static final String GOOGLE_WS = "wss://generativelanguage.googleapis.com"
            + "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";

    private LiveTranslateCli() {
    }

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
        try {
            Report r = translate(parse(args, env), out);
            out.println(r.summary());
            return 0;
        } catch (LiveClientException e) {
            err.println("error: " + e.getMessage());
            if (e.kind() == LiveClientException.Kind.USAGE) {
                err.print(USAGE);
            }
            return e.kind().exitCode();
        }
    }

    /** What a run measured. */
    public record Report(AudioStreamer.Stats stream, double timeToFirstAudioMillis, long outputBytes,
            int resumptions, double cpuPercentOfOneCore, Path output) {

        String summary() {
            return String.format(Locale.ROOT, "done: %d chunks (%.1f s of audio) sent in %.1f s; output %s "
                    + "(%.1f s of 24 kHz audio); time to first audio %.0f ms; pacing error mean %.3f ms, worst %.3f ms; "
                    + "resumptions %d; client CPU %.2f %% of one core",
                    stream.chunks(), stream.bytes() / 32000.0, stream.seconds(), output, outputBytes / 48000.0,
                    timeToFirstAudioMillis, stream.meanErrorMillis(), stream.worstErrorMillis(), resumptions,
                    cpuPercentOfOneCore);
        }
    }

    record Args(URI service, String jwt, String devUser, String token, String wsUrl, String target,
            Path in, int micSeconds, Path out, Duration idle, boolean authHeader) {
    }

    static Args parse(String[] args, Map<String, String> env) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "help requested");
            }
            if (a.equals("--auth-header")) {
                o.put(a, "true");
                continue;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "unexpected argument: " + a);
            }
            o.put(a, args[++i]);
        }
        for (String k : o.keySet()) {
            if (!USAGE.contains(k + " ")) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "unknown option " + k);
            }
        }
        String jwt = o.getOrDefault("--jwt", env.get("LIVE_TOKEN_JWT"));
        String token = o.getOrDefault("--token", env.get("LIVE_TOKEN"));
        if (token == null && jwt == null && !o.containsKey("--dev-user")) {
            throw new LiveClientException(LiveClientException.Kind.USAGE, "give --jwt, --dev-user or --token");
        }
        if (o.containsKey("--in") == o.containsKey("--mic")) {
            throw new LiveClientException(LiveClientException.Kind.USAGE, "give exactly one of --in FILE.wav or --mic SECONDS");
        }
        try {
            return new Args(URI.create(o.getOrDefault("--service", "http://localhost:8080")), jwt,
                    o.get("--dev-user"), token, o.getOrDefault("--ws-url", GOOGLE_WS), o.get("--target"),
                    o.containsKey("--in") ? Path.of(o.get("--in")) : null,
                    o.containsKey("--mic") ? Integer.parseInt(o.get("--mic")) : 0,
                    Path.of(o.getOrDefault("--out", "translated.wav")),
                    Duration.ofMillis(Math.round(Double.parseDouble(o.getOrDefault("--idle", "3")) * 1000)),
                    o.containsKey("--auth-header"));
        } catch (IllegalArgumentException e) {
            throw new LiveClientException(LiveClientException.Kind.USAGE, "bad value: " + e.getMessage());
        }
    }

    static Report translate(Args a, PrintStream out) {
        // Read the input first: a bad file should fail before a token use is spent.
        byte[] pcm = a.in() == null ? null : Pcm.read16kMono(a.in());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        MintedToken token;
        if (a.token() != null) {
            token = new MintedToken(a.token(), a.wsUrl(), a.target() == null, a.target(), null, DEFAULT_MODEL, null);
        } else {
            TokenServiceClient service = new TokenServiceClient(http, a.service());
            String jwt = a.jwt();
            if (jwt == null) {
                String[] st = a.devUser().split("@", 2);
                if (st.length != 2) {
                    throw new LiveClientException(LiveClientException.Kind.USAGE, "--dev-user wants SUBJECT@TENANT");
                }
                jwt = service.devJwt(st[0], st[1]);
            }
            token = service.mint(jwt, a.target());
            out.printf("token: %s language, target %s, model %s, expires %s%n", token.locked() ? "locked" : "unlocked",
                    token.targetLanguageCode() == null ? a.target() : token.targetLanguageCode(), token.model(),
                    token.expireTime());
        }
        if (!token.locked() && a.target() == null) {
            throw new LiveClientException(LiveClientException.Kind.USAGE,
                    "the token is unlocked: choose the language with --target");
        }
        LiveTranslateSession.Options opts = new LiveTranslateSession.Options(URI.create(token.websocketUrl()),
                token.token(), token.model() == null ? DEFAULT_MODEL : token.model(),
                token.locked() ? null : a.target(), null, a.authHeader(), Duration.ofSeconds(10));
        try (Pcm.WavWriter wav = new Pcm.WavWriter(a.out(), Pcm.OUTPUT_RATE);
                AudioStreamer.Source source = pcm != null ? AudioStreamer.fromPcm(pcm) : AudioStreamer.microphone(a.micSeconds())) {
            LiveTranslateSession.Listener listener = new LiveTranslateSession.Listener() {
                @Override
                public void onAudio(byte[] pcm24k) {
                    wav.write(pcm24k);
                }

                @Override
                public void onTranscript(boolean src, String text, String lang, boolean finished) {
                    if (!text.isEmpty()) {
                        out.printf("%s [%s] %s%n", src ? "source     " : "translation", lang == null ? "?" : lang, text);
                    }
                }

                @Override
                public void onGoAway(String timeLeft) {
                    out.println("server: goAway, " + timeLeft + " left; resuming the session");
                }

                @Override
                public void onResumed(int n) {
                    out.println("session resumed (" + n + ")");
                }
            };
            LiveTranslateSession session = LiveTranslateSession.open(http, opts, listener);
            try {
                long cpu0 = cpuNanos();
                AudioStreamer.Stats stats = AudioStreamer.stream(source, session::sendAudio);
                double cpu = (cpuNanos() - cpu0) / 1e9 / stats.seconds() * 100;
                session.endAudio();
                session.awaitIdle(a.idle(), a.idle().plusSeconds(60));
                return new Report(stats, session.timeToFirstAudioMillis(), wav.dataBytes(), session.resumptions(),
                        cpu, a.out());
            } finally {
                session.close();
            }
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
