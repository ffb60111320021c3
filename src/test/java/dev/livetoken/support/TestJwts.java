package dev.livetoken.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Builds JWTs by hand, so tests can make every broken variant a verifier must refuse (alg none,
 * HS256 keyed with the public key, tampered payloads) as well as good ones signed by the dev key.
 */
public final class TestJwts {

    public static final String ISSUER = "https://dev.livetoken.local";
    public static final String AUDIENCE = "live-token-service";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private TestJwts() {
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        long now = Instant.now().getEpochSecond();
        claims.put("iss", ISSUER);
        claims.put("aud", AUDIENCE);
        claims.put("iat", now);
        claims.put("exp", now + 600);
    }

    /** A good token for subject in tenant, with the given groups. */
    public static TestJwts user(String subject, String tenant, String... groups) {
        TestJwts t = new TestJwts();
        t.claims.put("sub", subject);
        t.claims.put("tenant", tenant);
        t.claims.put("groups", List.of(groups));
        return t;
    }

    public static String bearer(String subject, String tenant, String... groups) {
        return "Bearer " + user(subject, tenant, groups).sign();
    }

    public TestJwts claim(String name, Object value) {
        if (value == null) {
            claims.remove(name);
        } else {
            claims.put(name, value);
        }
        return this;
    }

    public TestJwts header(String name, Object value) {
        header.put(name, value);
        return this;
    }

    /** RS256 with the dev private key. */
    public String sign() {
        return signWith("dev/jwt-private.pem");
    }

    /** RS256 with the PKCS#8 PEM private key at a classpath resource (e.g. {@code prod-test/jwt-private.pem}). */
    public String signWith(String privateKeyResource) {
        String input = part(header) + "." + part(claims);
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(privateKey(privateKeyResource));
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}, no signature. */
    public String unsigned() {
        header.put("alg", "none");
        return part(header) + "." + part(claims) + ".";
    }

    /** The classic confusion attack: HS256 keyed with the bytes of the RSA public key PEM. */
    public String hs256WithPublicKey() {
        header.put("alg", "HS256");
        String input = part(header) + "." + part(claims);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(resource("dev/jwt-public.pem"), "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String part(Map<String, Object> m) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey devPrivateKey() throws Exception {
        return privateKey("dev/jwt-private.pem");
    }

    static PrivateKey privateKey(String resource) throws Exception {
        String pem = new String(resource(resource), StandardCharsets.US_ASCII)
                .replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
    }

    static byte[] resource(String path) throws IOException {
        try (InputStream in = TestJwts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("missing " + path);
            }
            return in.readAllBytes();
        }
    }
}
