package dev.livetoken.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.lang.JoseException;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.util.KeyUtils;

/**
 * Checks the JWT verification key the way SmallRye JWT will load it on the first request, so a
 * wrong {@code mp.jwt.verify.publickey.location} stops the service at startup with the path and
 * the reason instead of answering every request with 500. Locations are resolved as SmallRye
 * does: {@code http(s)://} URLs, {@code file:} and {@code classpath:} prefixes, otherwise a file
 * path and then a classpath resource. A JWKS URL is only checked for form: its keys are fetched
 * on the first request (and refreshed), and the identity provider may well be unreachable from
 * where the service starts.
 */
final class JwtKeyCheck {

    private JwtKeyCheck() {}

    /** Why the key at {@code location} cannot verify JWTs signed with {@code algorithm}; empty if it can. */
    static Optional<String> locationProblem(String location, String algorithm) {
        String loc = location.strip();
        if (loc.regionMatches(true, 0, "http", 0, 4)) {
            return urlProblem(loc);
        }
        String content;
        try {
            content = read(loc);
        } catch (NotUsable e) {
            return Optional.of(loc + ": " + e.getMessage());
        }
        return contentProblem(content, algorithm).map(reason -> loc + ": " + reason);
    }

    /** Why inline key content ({@code mp.jwt.verify.publickey}) is unusable; empty if it is fine. */
    static Optional<String> contentProblem(String content, String algorithm) {
        String text = content.strip();
        if (text.isEmpty()) {
            return Optional.of("is empty");
        }
        SignatureAlgorithm alg = algorithm(algorithm);
        if (text.startsWith("{")) {
            return jwkProblem(text);
        }
        if (text.contains("PRIVATE KEY-----")) {
            return Optional.of("holds a private key; give the identity provider's public key");
        }
        if (text.contains("-----BEGIN CERTIFICATE-----")) {
            try {
                KeyUtils.getCertificate(text);
                return Optional.empty();
            } catch (Exception e) {
                return Optional.of("not a valid PEM certificate");
            }
        }
        try {
            KeyUtils.decodePublicKey(text, alg == null ? SignatureAlgorithm.RS256 : alg);
            return Optional.empty();
        } catch (Exception e) {
            String kind = alg == null ? "RSA" : keyType(alg);
            return Optional.of(
                    text.contains("-----BEGIN")
                            ? "not a PEM " + kind + " public key (for algorithm "
                                    + (alg == null ? "RS256" : alg.getAlgorithm()) + ")"
                            : "not a PEM public key, PEM certificate, JWK or JWKS");
        }
    }

    private static Optional<String> urlProblem(String loc) {
        try {
            URI uri = new URI(loc);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                return Optional.of(loc + ": not a valid http(s) URL");
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(loc + ": not a valid URL (" + e.getReason() + ")");
        }
    }

    private static Optional<String> jwkProblem(String json) {
        try {
            if (json.contains("\"keys\"")) {
                if (new JsonWebKeySet(json).getJsonWebKeys().isEmpty()) {
                    return Optional.of("a JWKS without any usable key");
                }
            } else {
                JsonWebKey.Factory.newJwk(json);
            }
            return Optional.empty();
        } catch (JoseException | RuntimeException e) {
            return Optional.of("not a valid JWK or JWKS");
        }
    }

    private static String read(String loc) throws NotUsable {
        if (loc.startsWith("classpath:")) {
            return classpath(loc.substring("classpath:".length()))
                    .orElseThrow(() -> new NotUsable("classpath resource not found"));
        }
        boolean explicitFile = loc.startsWith("file:");
        Path path;
        try {
            path = Path.of(explicitFile ? loc.substring("file:".length()) : loc);
        } catch (InvalidPathException e) {
            throw new NotUsable("not a valid file path");
        }
        if (Files.exists(path)) {
            if (Files.isDirectory(path)) {
                throw new NotUsable("is a directory, not a key file");
            }
            if (!Files.isReadable(path)) {
                throw new NotUsable("file not readable by this process (check its owner and mode)");
            }
            try {
                return Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new NotUsable("file cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        if (explicitFile) {
            throw new NotUsable("file not found");
        }
        return classpath(loc)
                .orElseThrow(() -> new NotUsable("file not found (nor a classpath resource of that name)"));
    }

    private static Optional<String> classpath(String name) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        String resource = name.startsWith("/") ? name.substring(1) : name;
        try (InputStream in = (cl != null ? cl : JwtKeyCheck.class.getClassLoader()).getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The configured algorithm, or null if it is not one SmallRye knows (reported separately). */
    static SignatureAlgorithm algorithm(String algorithm) {
        try {
            return SignatureAlgorithm.fromAlgorithm(algorithm.strip());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String keyType(SignatureAlgorithm alg) {
        String name = alg.getAlgorithm();
        return name.startsWith("ES") ? "EC" : name.equalsIgnoreCase("EdDSA") ? "EdDSA" : "RSA";
    }

    /** A location that does not lead to key content; the message is the reason. */
    private static final class NotUsable extends Exception {
        NotUsable(String reason) {
            super(reason, null, false, false);
        }
    }
}
