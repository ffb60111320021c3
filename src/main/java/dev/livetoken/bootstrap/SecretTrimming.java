package dev.livetoken.bootstrap;

import java.util.Set;

import jakarta.annotation.Priority;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;

/**
 * Drops the trailing newline a secret picks up when it is written to a file ({@code openssl rand
 * -hex 32 > key}, {@code echo key > file}) and reaches the service through a Kubernetes Secret, a
 * mounted file or an env file. A Gemini key with a newline cannot be sent as a header, and an HMAC
 * key with one silently differs from the same key written without it. Keys lose all trailing
 * whitespace (none ends in a space); the database password only trailing line breaks, since a
 * password may legitimately end in a space.
 */
@Priority(Priorities.APPLICATION)
public class SecretTrimming implements ConfigSourceInterceptor {

    static final Set<String> KEYS = Set.of("livetoken.upstream.api-key", "livetoken.audit.hmac-key");
    static final Set<String> PASSWORDS = Set.of("quarkus.datasource.password");

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue v = context.proceed(name);
        if (v == null || v.getValue() == null) {
            return v;
        }
        if (KEYS.contains(name)) {
            return v.withValue(v.getValue().stripTrailing());
        }
        if (PASSWORDS.contains(name)) {
            return v.withValue(trimLineBreaks(v.getValue()));
        }
        return v;
    }

    static String trimLineBreaks(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }
}
