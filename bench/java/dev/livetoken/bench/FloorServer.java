package dev.livetoken.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The floor of the mint path on the JVM, for the benchmark only (never shipped): what any Java
 * token server must do per mint and nothing more. Vert.x core HTTP (no framework, no CDI, no
 * context propagation), RS256 verification with the JDK ({@link Signature}) and claims read with
 * Jackson (iss, exp, tenant, sub), one upstream {@code auth_tokens} call with the API key, a JSON
 * answer. No store: no limits, no audit record, nothing durable, no metrics, no access log.
 * <p>
 * {@code bench/mint-bench.sh --main=dev.livetoken.bench.FloorServer} runs it in the service's place,
 * side by side with the peer, so the ratio it prints is the most a JVM server doing this work could
 * reach on this machine under this load generator; the service's distance from it is the price of
 * what the floor leaves out.
 */
public final class FloorServer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
        URI upstream = URI.create(System.getenv("LIVETOKEN_UPSTREAM_BASE_URL"));
        String apiKey = System.getenv("GEMINI_API_KEY");
        String issuer = System.getenv("MP_JWT_VERIFY_ISSUER");
        PublicKey key = publicKey(Path.of(URI.create(System.getenv("MP_JWT_VERIFY_PUBLICKEY_LOCATION"))));
        // Quarkus' default: two event loops per core.
        Vertx vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(2 * Runtime.getRuntime().availableProcessors()));
        HttpClient http = vertx.createHttpClient(
                new HttpClientOptions()
                        .setDefaultHost(upstream.getHost())
                        .setDefaultPort(upstream.getPort())
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(64));
        vertx.createHttpServer()
                .requestHandler(req -> handle(req, key, issuer, http, apiKey))
                .listen(port, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        System.out.println("floor server on " + port);
    }

    private static void handle(HttpServerRequest req, PublicKey key, String issuer, HttpClient http, String apiKey) {
        JsonNode claims = verified(req.getHeader("Authorization"), key, issuer);
        if (claims == null || req.method() != HttpMethod.POST || !"/v1/tokens".equals(req.path())) {
            req.response().setStatusCode(401).end();
            return;
        }
        String tenant = claims.path("tenant").asText("");
        String subject = claims.path("sub").asText("");
        req.body()
                .compose(body -> {
                    String language = language(body);
                    Instant now = Instant.now();
                    String upstreamBody = "{\"uses\":1,\"expireTime\":\"" + now.plusSeconds(1800)
                            + "\",\"newSessionExpireTime\":\"" + now.plusSeconds(60)
                            + "\",\"bidiGenerateContentSetup\":{\"model\":\"models/gemini-live\","
                            + "\"translationConfig\":{\"targetLanguageCode\":\"" + language + "\"}},"
                            + "\"fieldMask\":\"translationConfig.targetLanguageCode\"}";
                    return http.request(new RequestOptions()
                                    .setMethod(HttpMethod.POST)
                                    .setURI("/v1alpha/auth_tokens")
                                    .putHeader("content-type", "application/json")
                                    .putHeader("x-goog-api-key", apiKey))
                            .compose(r -> r.send(Buffer.buffer(upstreamBody)))
                            .compose(r -> r.body());
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        req.response().setStatusCode(502).end();
                        return;
                    }
                    try {
                        String name = JSON.readTree(ar.result().getBytes())
                                .path("name")
                                .asText();
                        String answer = "{\"token\":\"" + name + "\",\"tenant\":\"" + tenant + "\",\"subject\":\""
                                + subject + "\"}";
                        req.response()
                                .setStatusCode(201)
                                .putHeader("content-type", "application/json")
                                .putHeader("cache-control", "no-store")
                                .end(answer);
                    } catch (Exception e) {
                        req.response().setStatusCode(502).end();
                    }
                });
    }

    private static String language(Buffer body) {
        try {
            return body.length() == 0
                    ? "en"
                    : JSON.readTree(body.getBytes()).path("targetLanguageCode").asText("en");
        } catch (Exception e) {
            return "en";
        }
    }

    /** The claims of a bearer RS256 JWT signed by {@code key}, from {@code issuer}, unexpired; else null. */
    static JsonNode verified(String authorization, PublicKey key, String issuer) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return null;
        }
        String jwt = authorization.substring(7);
        int dot1 = jwt.indexOf('.');
        int dot2 = jwt.indexOf('.', dot1 + 1);
        if (dot1 < 0 || dot2 < 0) {
            return null;
        }
        try {
            JsonNode header = JSON.readTree(B64.decode(jwt.substring(0, dot1)));
            if (!"RS256".equals(header.path("alg").asText())) {
                return null;
            }
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initVerify(key);
            rsa.update(jwt.substring(0, dot2).getBytes(StandardCharsets.US_ASCII));
            if (!rsa.verify(B64.decode(jwt.substring(dot2 + 1)))) {
                return null;
            }
            JsonNode claims = JSON.readTree(B64.decode(jwt.substring(dot1 + 1, dot2)));
            long now = Instant.now().getEpochSecond();
            if (!issuer.equals(claims.path("iss").asText())
                    || claims.path("exp").asLong(0) < now) {
                return null;
            }
            return claims;
        } catch (Exception e) {
            return null;
        }
    }

    private static PublicKey publicKey(Path pem) throws Exception {
        String base64 =
                Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    private FloorServer() {}
}
