package dev.livetoken.bootstrap;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.livetoken.audit.TokenHasher;

/**
 * The settings a production service cannot work without, checked together at startup so an
 * operator sees every missing or wrong one in one message, by the environment variable they set.
 * Reasons name paths and lengths, never values: most of these are secrets.
 */
public final class ProductionSettings {

    /** One missing or wrong setting: the environment variable to set, its property, and why. */
    public record Problem(String env, String property, String reason) {

        String line() {
            return env + " (" + property + "): " + reason;
        }
    }

    /**
     * The environment variables a production start must be given (the others have defaults). The
     * deploy tests check that every documented way to run the image sets each of them.
     */
    public static final List<String> REQUIRED = List.of(
            "GEMINI_API_KEY", "LIVETOKEN_AUDIT_HMAC_KEY", "MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_PUBLICKEY_LOCATION");

    static final String API_KEY = "livetoken.upstream.api-key";
    static final String HMAC_KEY = "livetoken.audit.hmac-key";
    static final String ISSUER = "mp.jwt.verify.issuer";
    static final String AUDIENCES = "mp.jwt.verify.audiences";
    static final String KEY_LOCATION = "mp.jwt.verify.publickey.location";
    static final String KEY_CONTENT = "mp.jwt.verify.publickey";
    static final String ALGORITHM = "mp.jwt.verify.publickey.algorithm";
    static final String UPSTREAM = "livetoken.upstream.base-url";

    private ProductionSettings() {}

    /** Every problem with the production settings {@code config} yields (property name → value). */
    static List<Problem> check(Function<String, Optional<String>> config) {
        List<Problem> problems = new ArrayList<>();
        Optional<String> apiKey = set(config, API_KEY);
        if (apiKey.isEmpty()) {
            problems.add(new Problem("GEMINI_API_KEY", API_KEY, "not set; the Gemini API key the service mints with"));
        } else if (apiKey.get().chars().anyMatch(ch -> Character.isWhitespace(ch) || Character.isISOControl(ch))) {
            problems.add(
                    new Problem(
                            "GEMINI_API_KEY",
                            API_KEY,
                            "contains a space or line break (an HTTP header cannot carry it); check how the secret was written"));
        }
        Optional<String> hmac = set(config, HMAC_KEY);
        if (hmac.isEmpty()) {
            problems.add(new Problem(
                    "LIVETOKEN_AUDIT_HMAC_KEY",
                    HMAC_KEY,
                    "not set; a random secret of at least " + TokenHasher.MIN_KEY_LENGTH
                            + " characters, e.g. from `openssl rand -hex 32`"));
        } else if (hmac.get().length() < TokenHasher.MIN_KEY_LENGTH) {
            problems.add(new Problem(
                    "LIVETOKEN_AUDIT_HMAC_KEY",
                    HMAC_KEY,
                    "is " + hmac.get().length() + " characters long; it needs at least " + TokenHasher.MIN_KEY_LENGTH));
        }
        if (set(config, ISSUER).isEmpty()) {
            problems.add(new Problem(
                    "MP_JWT_VERIFY_ISSUER",
                    ISSUER,
                    "not set; the exact `iss` your identity provider puts in its JWTs"));
        }
        if (set(config, AUDIENCES).isEmpty()) {
            problems.add(new Problem(
                    "MP_JWT_VERIFY_AUDIENCES",
                    AUDIENCES,
                    "empty; the `aud` values to accept (default live-token-service)"));
        }
        String algorithm = set(config, ALGORITHM).orElse("RS256");
        List<String> algorithms = List.of(algorithm.split(","));
        boolean algorithmsOk = true;
        for (String a : algorithms) {
            var alg = JwtKeyCheck.algorithm(a);
            if (alg == null || alg.getAlgorithm().startsWith("HS")) {
                algorithmsOk = false;
                problems.add(new Problem(
                        "MP_JWT_VERIFY_PUBLICKEY_ALGORITHM",
                        ALGORITHM,
                        "'" + a.strip()
                                + "' is not an accepted signature algorithm; use RS256, RS384, RS512, PS256, PS384, PS512, "
                                + "ES256, ES384, ES512 or EdDSA (none and HMAC are never accepted)"));
            }
        }
        Optional<String> content = set(config, KEY_CONTENT);
        Optional<String> location = set(config, KEY_LOCATION);
        if (content.isEmpty() && location.isEmpty()) {
            problems.add(new Problem(
                    "MP_JWT_VERIFY_PUBLICKEY_LOCATION",
                    KEY_LOCATION,
                    "not set; your identity provider's JWKS URL, or the path of its PEM public key"));
        } else if (algorithmsOk) { // a key can only be judged against a usable algorithm
            String first = algorithms.get(0);
            if (content.isPresent()) {
                JwtKeyCheck.contentProblem(content.get(), first)
                        .ifPresent(r -> problems.add(new Problem("MP_JWT_VERIFY_PUBLICKEY", KEY_CONTENT, r)));
            } else {
                JwtKeyCheck.locationProblem(location.get(), first)
                        .ifPresent(r -> problems.add(new Problem("MP_JWT_VERIFY_PUBLICKEY_LOCATION", KEY_LOCATION, r)));
            }
        }
        set(config, UPSTREAM)
                .filter(u -> !isHttpUrl(u))
                .ifPresent(u -> problems.add(
                        new Problem("LIVETOKEN_UPSTREAM_BASE_URL", UPSTREAM, "'" + u + "' is not an http(s) URL")));
        return problems;
    }

    /** The one startup error listing every problem, one per line. */
    static String message(List<Problem> problems) {
        StringBuilder sb = new StringBuilder("Live Token Service cannot start: ")
                .append(problems.size())
                .append(problems.size() == 1 ? " setting is" : " settings are")
                .append(" missing or invalid (see README.md, Configuration):");
        problems.forEach(p -> sb.append("\n  - ").append(p.line()));
        return sb.toString();
    }

    private static Optional<String> set(Function<String, Optional<String>> config, String property) {
        // "NONE" is SmallRye JWT's own default for an unset key property
        return config.apply(property).filter(v -> !v.isBlank() && !v.strip().equals("NONE"));
    }

    private static boolean isHttpUrl(String s) {
        try {
            URI u = new URI(s.strip());
            return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
                    && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }
}
