package dev.livetoken.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
 * {@code translate-text}: translates a chat message through the service's
 * {@code POST /v1/translations}, printing the translation as it streams in and the time to its
 * first byte. Exit codes as the audio client's: 0 ok, 2 usage, 3 service unreachable, 4 refused
 * (the problem's detail is printed), 5 the stream ended with an error event.
 */
public final class TextTranslateCli {

    static final String USAGE = """
            Usage: translate-text [options] TEXT...
              --service URL          Live Token Service base URL (default http://localhost:8080)
              --jwt JWT              your app-user JWT (or env LIVE_TOKEN_JWT)
              --dev-user SUB@TENANT  dev mode only: get a JWT from the service's /dev/v1/jwt
              --target LANG          target language (BCP-47), e.g. es (required)
              --source LANG          language of the text, if known
              --json                 ask for one JSON answer instead of a stream
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TextTranslateCli() {}

    /** What a run measured, in milliseconds from sending the request. */
    public record Result(String text, double firstByteMillis, double totalMillis, JsonNode done) {}

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        try {
            Map<String, String> o = new HashMap<>();
            List<String> words = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help") || a.equals("-h")) {
                    throw new LiveClientException(LiveClientException.Kind.USAGE, "help requested");
                } else if (a.equals("--json")) {
                    o.put(a, "true");
                } else if (a.startsWith("--")) {
                    if (!USAGE.contains(a + " ") || i + 1 >= args.length) {
                        throw new LiveClientException(
                                LiveClientException.Kind.USAGE, "unknown or incomplete option " + a);
                    }
                    o.put(a, args[++i]);
                } else {
                    words.add(a);
                }
            }
            if (words.isEmpty() || !o.containsKey("--target")) {
                throw new LiveClientException(LiveClientException.Kind.USAGE, "give --target LANG and the text");
            }
            URI service = URI.create(
                    o.getOrDefault("--service", "http://localhost:8080").replaceAll("/+$", ""));
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            String jwt = o.getOrDefault("--jwt", env.get("LIVE_TOKEN_JWT"));
            if (jwt == null) {
                String[] st = o.getOrDefault("--dev-user", "").split("@", 2);
                if (st.length != 2) {
                    throw new LiveClientException(
                            LiveClientException.Kind.USAGE, "give --jwt or --dev-user SUBJECT@TENANT");
                }
                jwt = new TokenServiceClient(http, service).devJwt(st[0], st[1]);
            }
            Result r = translate(
                    http,
                    service,
                    jwt,
                    String.join(" ", words),
                    o.get("--target"),
                    o.get("--source"),
                    !o.containsKey("--json"),
                    out);
            out.println();
            out.printf(
                    Locale.ROOT,
                    "first byte %.0f ms (service's own: %s ms), total %.0f ms; %s characters, %s%n",
                    r.firstByteMillis(),
                    r.done().path("firstByteMs").asText("?"),
                    r.totalMillis(),
                    r.done().path("characters").asText("?"),
                    r.done().path("usage").toString());
            return 0;
        } catch (LiveClientException e) {
            return e.report(err, USAGE);
        }
    }

    /** Sends the text and prints the translation to {@code out} piece by piece as it arrives. */
    public static Result translate(
            HttpClient http,
            URI service,
            String jwt,
            String text,
            String target,
            String source,
            boolean stream,
            PrintStream out) {
        ObjectNode body = JSON.createObjectNode().put("text", text).put("targetLanguageCode", target);
        if (source != null) {
            body.put("sourceLanguageCode", source);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(service + "/v1/translations"))
                .timeout(Duration.ofSeconds(90))
                .header("Authorization", "Bearer " + jwt)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        long start = System.nanoTime();
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.SERVICE_UNREACHABLE,
                    "Cannot reach the Live Token Service at " + service + ". Is it running?",
                    e);
        } catch (IOException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.SERVICE_UNREACHABLE,
                    "Cannot talk to the Live Token Service at " + service + ": " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LiveClientException(LiveClientException.Kind.IO, "Interrupted.", e);
        }
        String type = resp.headers().firstValue("Content-Type").orElse("");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            if (resp.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                JsonNode answer = read(in);
                if (resp.statusCode() != 200) {
                    throw new LiveClientException(
                            LiveClientException.Kind.MINT_REFUSED,
                            "translation refused (HTTP " + resp.statusCode() + "): "
                                    + answer.path("detail")
                                            .asText(answer.path("title").asText("")));
                }
                double ms = (System.nanoTime() - start) / 1e6;
                out.print(answer.path("text").asText());
                out.flush();
                return new Result(answer.path("text").asText(), ms, ms, answer);
            }
            StringBuilder all = new StringBuilder();
            double firstByte = -1;
            String event = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    JsonNode data = JSON.readTree(line.substring(6));
                    if ("delta".equals(event)) {
                        if (firstByte < 0) {
                            firstByte = (System.nanoTime() - start) / 1e6;
                        }
                        String piece = data.path("text").asText();
                        all.append(piece);
                        out.print(piece);
                        out.flush();
                    } else if ("done".equals(event)) {
                        return new Result(
                                all.toString(),
                                firstByte < 0 ? (System.nanoTime() - start) / 1e6 : firstByte,
                                (System.nanoTime() - start) / 1e6,
                                data);
                    } else if ("error".equals(event)) {
                        out.println();
                        throw new LiveClientException(
                                LiveClientException.Kind.CLOSED_BY_SERVER,
                                "the translation broke off: "
                                        + data.path("detail")
                                                .asText(data.path("title").asText("")));
                    }
                }
            }
            throw new LiveClientException(LiveClientException.Kind.CLOSED_BY_SERVER, "the stream ended without 'done'");
        } catch (IOException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.CLOSED_BY_SERVER, "the stream broke: " + e.getMessage(), e);
        }
    }

    private static JsonNode read(BufferedReader in) throws IOException {
        StringBuilder s = new StringBuilder();
        char[] buf = new char[4096];
        for (int n; (n = in.read(buf)) > 0; ) {
            s.append(buf, 0, n);
        }
        try {
            JsonNode n = JSON.readTree(s.toString());
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
