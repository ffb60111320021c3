package dev.livetoken.support;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

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
        Map<String, String> m = new HashMap<>();
        m.put("mp.jwt.verify.issuer", ISSUER);
        m.put("livetoken.upstream.api-key", "prod-test-gemini-key\n");
        m.put(
                "livetoken.bootstrap.policies-file",
                Path.of("src/test/resources/prod-test/bootstrap-policies.json")
                        .toAbsolutePath()
                        .toString());
        m.put("mp.jwt.verify.publickey.location", "prod-test/jwt-public.pem");
        m.put("quarkus.http.test-port", "0");
        m.put("livetoken.upstream.base-url", "http://127.0.0.1:9");
        m.put("livetoken.audit.hmac-key", "prod-test-audit-hmac-key-0123456789abcdef");
        m.put("quarkus.datasource.\"embedded\".jdbc.url", "jdbc:h2:mem:prodtest;DB_CLOSE_DELAY=-1");
        // A fresh store of its own even in CI's PostgreSQL pass: these tests start from what a new
        // operator has (no policy at all), which a shared database that other tests filled is not.
        m.put("quarkus.datasource.active", "false");
        m.put("quarkus.datasource.\"embedded\".active", "true");
        // as in the test profile: logs go to target/quarkus-test.log, so a passing build reads as one
        m.put("quarkus.log.console.enabled", "false");
        m.put("quarkus.log.file.enabled", "true");
        m.put("quarkus.log.file.path", "target/quarkus-test.log");
        return m;
    }
}
