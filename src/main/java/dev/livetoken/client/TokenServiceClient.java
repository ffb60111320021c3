package dev.livetoken.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Gets a Live API token from the Live Token Service ({@code POST /v1/tokens}) with the user's JWT. */
public final class TokenServiceClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI service;

    public TokenServiceClient(HttpClient http, URI service) {
        this.http = http;
        this.service = URI.create(service.toString().replaceAll("/+$", ""));
    }

    /** Mints a token; {@code targetLanguageCode} may be null to take the tenant's default. */
    public MintedToken mint(String jwt, String targetLanguageCode) {
        ObjectNode body = JSON.createObjectNode();
        if (targetLanguageCode != null) {
            body.put("targetLanguageCode", targetLanguageCode);
        }
        return token(post("/v1/tokens", body, jwt, 201, "mint refused"));
    }

    private static MintedToken token(JsonNode t) {
        JsonNode tc = t.path("translationConfig");
        return new MintedToken(
                text(t, "token"),
                text(t, "websocketUrl"),
                t.path("locked").asBoolean(true),
                tc.isObject() ? text(tc, "targetLanguageCode") : null,
                tc.isObject() && tc.has("echoTargetLanguage")
                        ? tc.get("echoTargetLanguage").asBoolean()
                        : null,
                text(t, "model"),
                text(t, "expireTime"),
                text(t, "serverTime"));
    }

    /** One token of a conversation's answer ({@code POST /v1/conversations}): each is a mint answer. */
    static MintedToken fromMintAnswer(JsonNode t) {
        return token(t);
    }

    /**
     * A fresh token with the same constraints (model, lock mode, language, echo), when the old one
     * expired or its new-session window or uses are spent: {@code POST /v1/tokens/renew}, which runs
     * the service's whole admission again. A 404 means the service did not mint that token for this
     * user; a 403 names the constraint the policy no longer allows (then mint anew and start over).
     */
    public MintedToken renew(String jwt, String oldToken) {
        ObjectNode body = JSON.createObjectNode().put("token", oldToken);
        return token(check(exchange("/v1/tokens/renew", body, jwt), 201, "renewal refused"));
    }

    /**
     * Reports a finished session ({@code POST /v1/sessions}, answered 202, also for a repeat of the
     * same {@code sessionId}). Returns false when the service has no such route (405).
     */
    public boolean reportSession(String jwt, ObjectNode report) {
        HttpResponse<String> resp = exchange("/v1/sessions", report, jwt);
        if (resp.statusCode() == 405) {
            return false;
        }
        check(resp, 202, "session report refused");
        return true;
    }

    /**
     * Asks the token doctor why a connection failed ({@code POST /v1/tokens/diagnose}); the
     * answer's {@code findings}. The token goes in the body only, never in a URL or a log line.
     */
    public JsonNode diagnose(String jwt, String token, int closeCode, String closeReason) {
        ObjectNode body = JSON.createObjectNode().put("token", token);
        if (closeCode != 0) {
            body.put("closeCode", closeCode);
        }
        if (closeReason != null) {
            body.put("closeReason", closeReason);
        }
        return check(exchange("/v1/tokens/diagnose", body, jwt), 200, "diagnosis refused");
    }

    /** Dev mode only: a JWT signed by the service's dev key ({@code POST /dev/v1/jwt}). */
    public String devJwt(String subject, String tenant) {
        ObjectNode body = JSON.createObjectNode().put("subject", subject).put("tenant", tenant);
        return text(post("/dev/v1/jwt", body, null, 200, "dev JWT refused"), "jwt");
    }

    private JsonNode post(String path, ObjectNode body, String bearer, int expected, String what) {
        return check(exchange(path, body, bearer), expected, what);
    }

    private JsonNode check(HttpResponse<String> resp, int expected, String what) {
        JsonNode json = parse(resp.body());
        if (resp.statusCode() != expected) {
            String detail = json.path("detail").asText(json.path("title").asText(""));
            throw new LiveClientException(
                    LiveClientException.Kind.MINT_REFUSED,
                    "The Live Token Service " + what + " (HTTP " + resp.statusCode() + ")"
                            + (detail.isEmpty() ? "." : ": " + detail));
        }
        return json;
    }

    private HttpResponse<String> exchange(String path, ObjectNode body, String bearer) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(service + path))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (bearer != null) {
            req.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.SERVICE_UNREACHABLE,
                    "Cannot reach the Live Token Service at " + service + " ("
                            + e.getClass().getSimpleName() + "). Is it running? Try ./mvnw -Pdev quarkus:dev",
                    e);
        } catch (HttpTimeoutException e) {
            throw new LiveClientException(
                    LiveClientException.Kind.SERVICE_UNREACHABLE,
                    "The Live Token Service at " + service + " did not answer in " + TIMEOUT.toSeconds() + " s.",
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
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode n = body == null || body.isBlank() ? null : JSON.readTree(body);
            return n == null ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
