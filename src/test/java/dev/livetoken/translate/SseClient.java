package dev.livetoken.translate;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a {@code POST /v1/translations} event stream as it arrives, noting when each event came. */
final class SseClient {

    record Event(String name, JsonNode data, long atNanos) {}

    record Result(int status, String contentType, List<Event> events, String rawBody, long startNanos) {
        List<Event> named(String name) {
            return events.stream().filter(e -> e.name().equals(name)).toList();
        }

        String deltas() {
            StringBuilder s = new StringBuilder();
            named("delta").forEach(e -> s.append(e.data().get("text").asText()));
            return s.toString();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Result post(int port, String bearer, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/translations"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", bearer)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> resp = HTTP.send(req, HttpResponse.BodyHandlers.ofInputStream());
        String type = resp.headers().firstValue("Content-Type").orElse("");
        List<Event> events = new ArrayList<>();
        StringBuilder raw = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String line;
            while ((line = r.readLine()) != null) {
                raw.append(line).append('\n');
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ") && type.startsWith("text/event-stream")) {
                    events.add(new Event(name, JSON.readTree(line.substring(6)), System.nanoTime()));
                }
            }
        }
        return new Result(resp.statusCode(), type, events, raw.toString(), start);
    }
}
