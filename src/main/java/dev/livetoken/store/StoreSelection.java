package dev.livetoken.store;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Picks the store at startup: PostgreSQL (the default datasource) when
 * {@code quarkus.datasource.jdbc.url} is set, otherwise the embedded H2 file store. Quarkus fixes a
 * datasource's kind at build time, so the build carries both and this activates exactly one.
 * Explicit {@code quarkus.datasource...active} settings in the environment still win.
 */
public class StoreSelection implements ConfigSourceFactory {

    static final String PG_URL = "quarkus.datasource.jdbc.url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue url = context.getValue(PG_URL);
        boolean postgres =
                url != null && url.getValue() != null && !url.getValue().isBlank();
        return List.of(new PropertiesConfigSource(
                Map.of(
                        "quarkus.datasource.active", String.valueOf(postgres),
                        "quarkus.datasource.\"embedded\".active", String.valueOf(!postgres)),
                "livetoken-store-selection",
                280));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(280);
    }
}
