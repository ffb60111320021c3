package dev.livetoken.bootstrap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The production settings check: every problem at once, by environment variable, with path and reason, never a value. */
class ProductionSettingsTest {

    static final String HMAC = "test-audit-hmac-key-0123456789abcdef-xyz";
    static final String API_KEY = "AIzaTestGeminiKey0123456789";

    @TempDir
    Path tmp;

    /** A complete, valid production configuration (the dev public key from the classpath). */
    static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put(ProductionSettings.API_KEY, API_KEY);
        m.put(ProductionSettings.HMAC_KEY, HMAC);
        m.put(ProductionSettings.ISSUER, "https://login.example.com/");
        m.put(ProductionSettings.AUDIENCES, "live-token-service");
        m.put(ProductionSettings.KEY_LOCATION, "dev/jwt-public.pem");
        m.put(ProductionSettings.ALGORITHM, "RS256");
        return m;
    }

    static List<ProductionSettings.Problem> check(Map<String, String> m) {
        return ProductionSettings.check(name -> Optional.ofNullable(m.get(name)));
    }

    static List<String> envs(List<ProductionSettings.Problem> problems) {
        return problems.stream().map(ProductionSettings.Problem::env).toList();
    }

    @Test
    void aCompleteConfigurationPasses() {
        assertThat(check(valid())).isEmpty();
    }

    @Test
    void everyMissingSettingIsReportedAtOnceByItsEnvironmentVariable() {
        // nothing set but what application.properties gives every profile
        List<ProductionSettings.Problem> problems = check(Map.of(ProductionSettings.AUDIENCES, "live-token-service"));
        assertThat(envs(problems)).containsExactlyElementsOf(ProductionSettings.REQUIRED);
        String message = ProductionSettings.message(problems);
        assertThat(message).startsWith("Live Token Service cannot start: 4 settings are missing or invalid");
        for (String env : ProductionSettings.REQUIRED) {
            assertThat(message).contains("\n  - " + env + " (");
        }
    }

    @Test
    void aBlankValueCountsAsMissing() {
        Map<String, String> m = valid();
        m.put(ProductionSettings.ISSUER, "  ");
        m.put(ProductionSettings.AUDIENCES, "");
        assertThat(envs(check(m))).containsExactly("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES");
    }

    @Test
    void aShortHmacKeyIsReportedByLengthNeverByValue() {
        Map<String, String> m = valid();
        m.put(ProductionSettings.HMAC_KEY, "too-short-secret");
        List<ProductionSettings.Problem> problems = check(m);
        assertThat(envs(problems)).containsExactly("LIVETOKEN_AUDIT_HMAC_KEY");
        assertThat(problems.get(0).reason()).contains("16 characters").contains("at least 32");
        assertThat(ProductionSettings.message(problems)).doesNotContain("too-short-secret");
    }

    @Test
    void anApiKeyWithALineBreakInsideIsRefusedWithoutPrintingIt() {
        Map<String, String> m = valid();
        m.put(ProductionSettings.API_KEY, "AIzaSecret\nAIzaOther");
        List<ProductionSettings.Problem> problems = check(m);
        assertThat(envs(problems)).containsExactly("GEMINI_API_KEY");
        assertThat(ProductionSettings.message(problems))
                .doesNotContain("AIzaSecret")
                .contains("line break");
    }

    @Test
    void aMissingKeyFileIsNamedWithItsPath() {
        Map<String, String> m = valid();
        String path = tmp.resolve("keys/jwt-public.pem").toString();
        m.put(ProductionSettings.KEY_LOCATION, path);
        List<ProductionSettings.Problem> problems = check(m);
        assertThat(envs(problems)).containsExactly("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        assertThat(problems.get(0).reason())
                .isEqualTo(path + ": file not found (nor a classpath resource of that name)");
    }

    @Test
    void aMissingFileUrlIsNamedWithItsPath() {
        Map<String, String> m = valid();
        String location = "file:" + tmp.resolve("gone.pem");
        m.put(ProductionSettings.KEY_LOCATION, location);
        assertThat(check(m))
                .singleElement()
                .extracting(ProductionSettings.Problem::reason)
                .isEqualTo(location + ": file not found");
    }

    @Test
    void aFileThatIsNotAKeyIsRefusedWithTheReason() throws IOException {
        Path notAKey = Files.writeString(tmp.resolve("jwks.html"), "<html>Sign in</html>\n");
        assertThat(locationProblem(notAKey.toString()))
                .contains(notAKey + ": not a PEM public key, PEM certificate, JWK or JWKS");
        Path garbledPem = Files.writeString(
                tmp.resolve("bad.pem"), "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n");
        assertThat(locationProblem(garbledPem.toString()))
                .contains(garbledPem + ": not a PEM RSA public key (for algorithm RS256)");
        Path badJson = Files.writeString(tmp.resolve("jwks.json"), "{\"keys\": [{\"kty\": \"nope\"}]}");
        assertThat(locationProblem(badJson.toString())).contains(badJson + ": a JWKS without any usable key");
        Path badJwk = Files.writeString(tmp.resolve("jwk.json"), "{\"kty\": \"RSA\", \"n\": 1}");
        assertThat(locationProblem(badJwk.toString())).contains(badJwk + ": not a valid JWK or JWKS");
    }

    @Test
    void aPrivateKeyIsRefusedAsSuch() throws IOException {
        Path priv = Files.writeString(
                tmp.resolve("jwt-private.pem"), "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n");
        assertThat(locationProblem(priv.toString()))
                .contains(priv + ": holds a private key; give the identity provider's public key");
    }

    @Test
    void aDirectoryOrAnUnreadableFileIsRefused() throws IOException {
        assertThat(locationProblem(tmp.toString())).contains(tmp + ": is a directory, not a key file");
        Path locked = Files.writeString(tmp.resolve("locked.pem"), "x");
        assertThat(locked.toFile().setReadable(false, false)).isTrue();
        if (!Files.isReadable(locked)) { // root reads anything; the check only matters where permissions apply
            assertThat(locationProblem(locked.toString()))
                    .contains(locked + ": file not readable by this process (check its owner and mode)");
        }
    }

    @Test
    void keysInEveryFormSmallRyeReadsAreAccepted() throws Exception {
        var rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes())
                        .encodeToString(rsa.generateKeyPair().getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        Path file = Files.writeString(tmp.resolve("key.pem"), pem);
        assertThat(locationProblem(file.toString())).isEmpty();
        assertThat(locationProblem("file:" + file)).isEmpty();
        assertThat(locationProblem("classpath:dev/jwt-public.pem")).isEmpty();
        Path jwks = Files.writeString(
                tmp.resolve("jwks.json"),
                "{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\","
                        + "\"n\":\"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw\","
                        + "\"e\":\"AQAB\"}]}");
        assertThat(locationProblem(jwks.toString())).isEmpty();
    }

    @Test
    void anEcKeyDoesNotPassForRs256() throws Exception {
        var ec = KeyPairGenerator.getInstance("EC");
        ec.initialize(256);
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder()
                        .encodeToString(ec.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        Path file = Files.writeString(tmp.resolve("ec.pem"), pem);
        assertThat(locationProblem(file.toString()))
                .contains(file + ": not a PEM RSA public key (for algorithm RS256)");
        assertThat(JwtKeyCheck.locationProblem(file.toString(), "ES256")).isEmpty();
    }

    @Test
    void aJwksUrlIsCheckedForFormOnly() {
        assertThat(locationProblem("https://login.example.com/.well-known/jwks.json"))
                .isEmpty();
        assertThat(locationProblem("http://keycloak.auth.svc:8080/realms/r/protocol/openid-connect/certs"))
                .isEmpty();
        assertThat(locationProblem("https:///jwks.json")).contains("https:///jwks.json: not a valid http(s) URL");
        assertThat(locationProblem("https://login example.com/jwks"))
                .hasValueSatisfying(r -> assertThat(r).contains("not a valid URL"));
    }

    @Test
    void hmacAndUnknownAlgorithmsAreRefused() {
        Map<String, String> m = valid();
        m.put(ProductionSettings.ALGORITHM, "HS256");
        assertThat(check(m)).singleElement().satisfies(p -> {
            assertThat(p.env()).isEqualTo("MP_JWT_VERIFY_PUBLICKEY_ALGORITHM");
            assertThat(p.reason()).contains("'HS256' is not an accepted signature algorithm");
        });
        m.put(ProductionSettings.ALGORITHM, "RS999");
        assertThat(envs(check(m))).contains("MP_JWT_VERIFY_PUBLICKEY_ALGORITHM");
    }

    @Test
    void inlineKeyContentIsCheckedInsteadOfALocation() {
        Map<String, String> m = valid();
        m.remove(ProductionSettings.KEY_LOCATION);
        m.put(ProductionSettings.KEY_CONTENT, "not a key");
        assertThat(check(m)).singleElement().satisfies(p -> assertThat(p.env()).isEqualTo("MP_JWT_VERIFY_PUBLICKEY"));
    }

    @Test
    void smallRyesNoneDefaultCountsAsUnset() {
        Map<String, String> m = valid();
        m.put(ProductionSettings.KEY_CONTENT, "NONE");
        assertThat(check(m)).isEmpty();
        m.put(ProductionSettings.KEY_LOCATION, "NONE");
        assertThat(envs(check(m))).containsExactly("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
    }

    @Test
    void theUpstreamMustBeAnHttpUrl() {
        Map<String, String> m = valid();
        m.put(ProductionSettings.UPSTREAM, "generativelanguage.googleapis.com");
        assertThat(envs(check(m))).containsExactly("LIVETOKEN_UPSTREAM_BASE_URL");
    }

    @Test
    void onlyDevAndTestProfilesSkipTheCheck() {
        assertThat(StartupChecks.isProduction(List.of("prod"))).isTrue();
        assertThat(StartupChecks.isProduction(List.of("staging"))).isTrue();
        assertThat(StartupChecks.isProduction(List.of("dev"))).isFalse();
        assertThat(StartupChecks.isProduction(List.of("test"))).isFalse();
    }

    private static Optional<String> locationProblem(String location) {
        return JwtKeyCheck.locationProblem(location, "RS256");
    }
}
