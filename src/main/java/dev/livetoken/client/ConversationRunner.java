package dev.livetoken.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code live-translate --conversation en,ja [--mode pair|interpreter]}: two people, one device
 * (docs/conversations.md). One microphone or WAV feeds both Live Translate sessions of a pair (each
 * stays quiet while its own target language is spoken), or the one interpreter session; every
 * transcript is printed with its direction; the audio goes to one mixed WAV or, with
 * {@code --out-dir}, one WAV per direction. Each session is a {@link LiveTranslateSession} with a
 * {@link TokenChain} of its own, so each direction survives what a single session survives (drops,
 * goAway, its token running out: renewed through {@code POST /v1/tokens/renew}, ahead of the expiry
 * by default) and reports each token it used. JDK and Jackson only.
 */
public final class ConversationRunner {

    static final String USAGE = """
            Usage: live-translate --conversation LANG1,LANG2 [options]
              --conversation A,B     the two people's languages, e.g. en,ja
              --mode MODE            pair (two Live Translate sessions, default) or interpreter (one dialogue session)
              --service URL          Live Token Service base URL (default http://localhost:8080)
              --jwt JWT              your app-user JWT (or env LIVE_TOKEN_JWT)
              --dev-user SUB@TENANT  dev mode only: get a JWT from the service's /dev/v1/jwt
              --in FILE.wav          audio of the conversation (any common WAV)
              --mic SECONDS          or: record from the microphone for up to SECONDS
              --out FILE.wav         all translated audio mixed, 24 kHz mono (default conversation.wav)
              --out-dir DIR          instead: one WAV per direction (A-B.wav, B-A.wav; interpreter.wav)
              --idle SECONDS         end after this long without output once the input ended (default 3)
              --auth-header          send tokens as 'Authorization: Token' instead of ?access_token=
              --speed FACTOR         stream a file FACTOR times faster than real time (default 1)
              --resume-budget SECONDS give up resuming a session after this long without a connection (default 60)
              --no-report            do not report the sessions to the service (POST /v1/sessions)
              --renew-ahead SECONDS  renew each token this long before it expires (default 30; 0: only once expired)
            """;

    private static final ObjectMapper JSON = new ObjectMapper();

    private ConversationRunner() {}

    record Args(
            URI service,
            String jwt,
            String devUser,
            List<String> languages,
            String mode,
            Path in,
            int micSeconds,
            Path out,
            Path outDir,
            Duration idle,
            boolean authHeader,
            double speed,
            Duration resumeBudget,
            boolean report,
            Duration renewAhead) {}

    /** One session of the conversation, the tokens it goes through, and where its audio goes. */
    private record Leg(String label, LiveTranslateSession session, TokenChain chain, ByteArrayOutputStream audio) {}

    /** Runs a conversation; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        try {
            Args a = parse(args, env);
            converse(a, out, err);
            return 0;
        } catch (LiveClientException e) {
            return e.report(err, USAGE);
        }
    }

    static Args parse(String[] args, Map<String, String> env) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw usage("help requested");
            }
            if (a.equals("--auth-header") || a.equals("--no-report")) {
                o.put(a, "true");
                continue;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw usage("unexpected argument: " + a);
            }
            o.put(a, args[++i]);
        }
        for (String k : o.keySet()) {
            if (!USAGE.contains(k + " ") && !USAGE.contains(k + "\n")) {
                throw usage("unknown option " + k + " with --conversation");
            }
        }
        List<String> languages = List.of(o.getOrDefault("--conversation", "").split(",", -1));
        if (languages.size() != 2 || languages.stream().anyMatch(String::isBlank)) {
            throw usage("--conversation wants two languages, e.g. en,ja");
        }
        String mode = o.getOrDefault("--mode", "pair").toLowerCase(Locale.ROOT);
        if (!mode.equals("pair") && !mode.equals("interpreter")) {
            throw usage("--mode is pair or interpreter");
        }
        String jwt = o.getOrDefault("--jwt", env.get("LIVE_TOKEN_JWT"));
        if (jwt == null && !o.containsKey("--dev-user")) {
            throw usage("give --jwt or --dev-user");
        }
        if (o.containsKey("--in") == o.containsKey("--mic")) {
            throw usage("give exactly one of --in FILE.wav or --mic SECONDS");
        }
        if (o.containsKey("--out") && o.containsKey("--out-dir")) {
            throw usage("give --out or --out-dir, not both");
        }
        try {
            return new Args(
                    URI.create(o.getOrDefault("--service", "http://localhost:8080")),
                    jwt,
                    o.get("--dev-user"),
                    languages.stream().map(String::trim).toList(),
                    mode,
                    o.containsKey("--in") ? Path.of(o.get("--in")) : null,
                    o.containsKey("--mic") ? Integer.parseInt(o.get("--mic")) : 0,
                    Path.of(o.getOrDefault("--out", "conversation.wav")),
                    o.containsKey("--out-dir") ? Path.of(o.get("--out-dir")) : null,
                    Duration.ofMillis(Math.round(Double.parseDouble(o.getOrDefault("--idle", "3")) * 1000)),
                    o.containsKey("--auth-header"),
                    Double.parseDouble(o.getOrDefault("--speed", "1")),
                    Duration.ofSeconds(Long.parseLong(o.getOrDefault("--resume-budget", "60"))),
                    !o.containsKey("--no-report"),
                    LiveTranslateCli.renewAhead(o));
        } catch (IllegalArgumentException e) {
            throw usage("bad value: " + e.getMessage());
        }
    }

    static void converse(Args a, PrintStream out, PrintStream err) {
        byte[] pcm = a.in() == null ? null : Pcm.read16kMono(a.in()); // a bad file fails before any token is minted
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        TokenServiceClient service = new TokenServiceClient(http, a.service());
        String jwt = a.jwt();
        if (jwt == null) {
            String[] st = a.devUser().split("@", 2);
            if (st.length != 2) {
                throw usage("--dev-user wants SUBJECT@TENANT");
            }
            jwt = service.devJwt(st[0], st[1]);
        }
        JsonNode conversation = create(http, a, jwt);
        out.printf(
                "conversation %s (%s): %d token(s)%n",
                conversation.path("conversationId").asText(),
                conversation.path("mode").asText(),
                conversation.path("tokens").size());
        List<Leg> legs = new ArrayList<>();
        List<TokenChain> chains = new ArrayList<>();
        LiveClientException failed = null;
        try {
            JsonNode tokens = conversation.path("tokens");
            for (int i = 0; i < tokens.size(); i++) {
                MintedToken t = TokenServiceClient.fromMintAnswer(tokens.get(i));
                // pair: token i translates languages[i] into languages[1 - i]; interpreter: both ways
                String label = a.mode().equals("pair")
                        ? a.languages().get(i) + "->" + a.languages().get(1 - i)
                        : a.languages().get(0) + "<->" + a.languages().get(1);
                TokenChain chain = new TokenChain(service, jwt, t.token());
                chains.add(chain);
                legs.add(open(http, a, t, label, chain, out));
            }
            try (AudioStreamer.Source source =
                    pcm != null ? AudioStreamer.fromPcm(pcm) : AudioStreamer.microphone(a.micSeconds())) {
                AudioStreamer.Stats stats = AudioStreamer.stream(
                        source,
                        chunk -> {
                            for (Leg leg : legs) {
                                // one microphone feeds every session
                                leg.chain().sent(chunk.length);
                                leg.session().sendAudio(chunk);
                            }
                        },
                        a.speed());
                for (Leg leg : legs) {
                    leg.session().endAudio();
                }
                for (Leg leg : legs) {
                    leg.session().awaitIdle(a.idle(), a.idle().plusSeconds(60));
                }
                List<Path> written = write(a, legs);
                out.printf(Locale.ROOT, "done: %.1f s of audio sent; output %s%n", stats.bytes() / 32000.0, written);
                for (Leg leg : legs) {
                    List<LiveTranslateSession.Resumed> rs = leg.session().recoveries();
                    if (!rs.isEmpty()) {
                        out.printf(
                                Locale.ROOT,
                                "%-8s %d resumption(s) and renewal(s): %s%n",
                                leg.label(),
                                rs.size(),
                                rs.stream()
                                        .map(r -> String.format(Locale.ROOT, "%s %.0f ms", r.cause(), r.millis()))
                                        .toList());
                    }
                }
            }
        } catch (LiveClientException e) {
            failed = e;
            for (Leg leg : legs) {
                LiveClientException f = leg.session().failure();
                if (f != null) {
                    err.println(leg.label() + ": " + f.getMessage());
                    leg.chain().diagnose(f, err);
                }
            }
            throw e;
        } finally {
            for (Leg leg : legs) {
                leg.session().close();
            }
            if (a.report()) {
                for (int i = 0; i < chains.size(); i++) {
                    // a session that failed reports its own failure; the others ended normally
                    LiveClientException own =
                            i < legs.size() ? legs.get(i).session().failure() : failed;
                    chains.get(i).report(own, err);
                }
            }
        }
    }

    private static JsonNode create(HttpClient http, Args a, String jwt) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("languages").add(a.languages().get(0)).add(a.languages().get(1));
        body.put("mode", a.mode());
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create(a.service().toString().replaceAll("/+$", "") + "/v1/conversations"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + jwt)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (resp.statusCode() != 201) {
                JsonNode problem = JSON.readTree(resp.body().isEmpty() ? "{}" : resp.body());
                throw new LiveClientException(
                        LiveClientException.Kind.MINT_REFUSED,
                        "conversation refused (" + resp.statusCode() + "): "
                                + problem.path("detail").asText(resp.body()));
            }
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.SERVICE_UNREACHABLE,
                    "cannot reach the service: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveClientException(LiveClientException.Kind.SERVICE_UNREACHABLE, "interrupted");
        }
    }

    private static Leg open(HttpClient http, Args a, MintedToken t, String label, TokenChain chain, PrintStream out) {
        ByteArrayOutputStream audio = new ByteArrayOutputStream();
        LiveTranslateSession.Options opts = new LiveTranslateSession.Options(
                URI.create(t.websocketUrl()),
                t.token(),
                t.model(),
                null,
                null,
                a.authHeader(),
                Duration.ofSeconds(10),
                LiveTranslateCli.recovery(a.resumeBudget()),
                chain.renewer(),
                null,
                t.lifetime(),
                a.renewAhead());
        LiveTranslateSession session = LiveTranslateSession.open(http, opts, new LiveTranslateSession.Listener() {
            @Override
            public void onAudio(byte[] pcm24k) {
                chain.received(pcm24k.length);
                synchronized (audio) {
                    audio.writeBytes(pcm24k);
                }
            }

            @Override
            public void onTranscript(boolean src, String text, String lang, boolean finished) {
                if (!text.isEmpty()) {
                    print(
                            out,
                            String.format(
                                    "%-8s %s [%s] %s",
                                    label, src ? "heard      " : "translation", lang == null ? "?" : lang, text));
                }
            }

            @Override
            public void onGoAway(String timeLeft) {
                print(out, String.format("%-8s %s", label, LiveTranslateCli.goAwayLine(timeLeft)));
            }

            @Override
            public void onResumed(LiveTranslateSession.Resumed r) {
                print(out, String.format("%-8s %s", label, LiveTranslateCli.resumedLine(r)));
            }

            @Override
            public void onTokenRenewed(String reason) {
                print(out, String.format("%-8s %s", label, LiveTranslateCli.renewedLine(reason)));
            }
        });
        chain.attach(session);
        return new Leg(label, session, chain, audio);
    }

    private static void print(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
        }
    }

    /** One WAV per leg under --out-dir, or every leg mixed into --out. */
    private static List<Path> write(Args a, List<Leg> legs) {
        List<Path> written = new ArrayList<>();
        if (a.outDir() != null) {
            try {
                Files.createDirectories(a.outDir());
            } catch (IOException e) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "cannot create " + a.outDir());
            }
            for (Leg leg : legs) {
                Path p = a.outDir()
                        .resolve(
                                legs.size() == 1
                                        ? "interpreter.wav"
                                        : leg.label().replace("->", "-") + ".wav");
                writeWav(p, bytes(leg));
                written.add(p);
            }
            return written;
        }
        List<byte[]> streams = legs.stream().map(ConversationRunner::bytes).toList();
        writeWav(a.out(), mix(streams));
        written.add(a.out());
        return written;
    }

    private static byte[] bytes(Leg leg) {
        synchronized (leg.audio()) {
            return leg.audio().toByteArray();
        }
    }

    /** Sums PCM16LE streams sample by sample (clipped), as two speakers would sound from one device. */
    static byte[] mix(List<byte[]> streams) {
        int len = streams.stream().mapToInt(b -> b.length).max().orElse(0) & ~1;
        byte[] out = new byte[len];
        for (int i = 0; i + 1 < len; i += 2) {
            int sum = 0;
            for (byte[] s : streams) {
                if (i + 1 < s.length) {
                    sum += (short) ((s[i] & 0xff) | (s[i + 1] << 8));
                }
            }
            int v = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, sum));
            out[i] = (byte) v;
            out[i + 1] = (byte) (v >> 8);
        }
        return out;
    }

    private static void writeWav(Path p, byte[] pcm) {
        try (Pcm.WavWriter w = new Pcm.WavWriter(p, Pcm.OUTPUT_RATE)) {
            w.write(pcm);
        }
    }

    private static LiveClientException usage(String message) {
        return new LiveClientException(LiveClientException.Kind.USAGE, message);
    }
}
