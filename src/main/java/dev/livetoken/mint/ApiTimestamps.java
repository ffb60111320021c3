package dev.livetoken.mint;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Timestamps in this service's answers ({@code openapi.yaml}: RFC 3339, UTC, always milliseconds,
 * {@code Z}). Our own contract with callers, kept apart from how the upstream wire happens to
 * format its timestamps.
 */
public final class ApiTimestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private ApiTimestamps() {}

    public static String format(Instant t) {
        return FORMAT.format(t);
    }
}
