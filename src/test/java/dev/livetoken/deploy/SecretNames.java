package dev.livetoken.deploy;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Tells whether a variable name looks like it holds a secret value: a name part (split on
 * {@code _ - .}) is KEY, SECRET, PASSWORD, TOKEN and the like. {@code LIVETOKEN_*} and
 * {@code *_PUBLICKEY_*} are not; names that end in FILE or LOCATION point at a secret, not hold one.
 */
final class SecretNames {

    private static final Set<String> SECRET_PARTS = Set.of(
            "KEY",
            "APIKEY",
            "SECRET",
            "SECRETS",
            "PASSWORD",
            "PASSWD",
            "PWD",
            "TOKEN",
            "CREDENTIAL",
            "CREDENTIALS",
            "PASSPHRASE");
    private static final Set<String> REFERENCE_SUFFIXES = Set.of("FILE", "LOCATION", "PATH");

    private SecretNames() {}

    static boolean holdsSecret(String name) {
        List<String> parts = List.of(name.toUpperCase(Locale.ROOT).split("[_.\\-]+"));
        if (parts.isEmpty() || REFERENCE_SUFFIXES.contains(parts.get(parts.size() - 1))) {
            return false;
        }
        return parts.stream().anyMatch(SECRET_PARTS::contains);
    }
}
