package dev.livetoken.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.Map;

/**
 * The prod profile, with every setting an operator must give: a JWT key of its own (not the dev
 * key; tests sign with prod-test/jwt-private.pem), a Gemini key (written to its file with a
 * trailing newline, which the service trims) and a bootstrap policies file.
 */
public class ProductionProfile implements QuarkusTestProfile {
    public static final String ISSUER = "https://login.example.com";
    public static final String PRIVATE_KEY = "prod-test/jwt-private.pem";

    @Override
    public String getConfigProfile() {
        return "prod";
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mp.jwt.verify.issuer", ISSUER,
                "livetoken.upstream.api-key", "prod-test-gemini-key\n",
                "livetoken.bootstrap.policies-file",
                Path.of("src/test/resources/prod-test/bootstrap-policies.json").toAbsolutePath().toString(),
                "mp.jwt.verify.publickey.location", "prod-test/jwt-public.pem",
                "quarkus.http.test-port", "0",
                "livetoken.upstream.base-url", "http://127.0.0.1:9",
                "livetoken.audit.hmac-key", "prod-test-audit-hmac-key-0123456789abcdef",
                "quarkus.datasource.\"embedded\".jdbc.url", "jdbc:h2:mem:prodtest;DB_CLOSE_DELAY=-1");
    }
}
