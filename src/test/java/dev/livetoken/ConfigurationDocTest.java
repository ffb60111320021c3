package dev.livetoken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/configuration.md cannot drift from the code: every property of every {@code @ConfigMapping}
 * in {@code dev.livetoken} (nested groups included, as SmallRye itself names them) has a row with
 * its environment variable and its {@code @WithDefault} value, and every {@code livetoken.*} row
 * names a property that exists. A new property fails here until it is documented.
 */
class ConfigurationDocTest {

    static final Path DOC = Path.of("docs/configuration.md");
    /** A table row: | `property` | `ENV` ... | default | meaning |. */
    static final Pattern ROW = Pattern.compile("(?m)^\\|\\s*`([a-z][\\w.\"*-]*)`\\s*\\|([^|]*)\\|([^|]*)\\|");

    static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");

    record Row(String env, String defaultValue) {}

    static Map<String, ConfigMappingInterface.Property> properties;
    static Map<String, Row> rows;
    static String applicationProperties;

    @BeforeAll
    static void read() throws IOException {
        properties = new TreeMap<>();
        for (JavaClass c : new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.livetoken")) {
            if (c.isAnnotatedWith(ConfigMapping.class)) {
                ConfigMappings.getProperties(ConfigMappings.ConfigClass.configClass(c.reflect()))
                        .forEach((name, p) -> {
                            // a collection is listed once more as name[*]: its row is the plain name's
                            if (!p.isGroup() && !p.isDefaultMethod() && !name.endsWith("[*]")) {
                                properties.put(name, p);
                            }
                        });
            }
        }
        rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(Files.readString(DOC));
        while (m.find()) {
            rows.put(m.group(1), new Row(m.group(2), m.group(3)));
        }
        applicationProperties = Files.readString(Path.of("src/main/resources/application.properties"));
    }

    /** SmallRye's environment-variable form of a property name. */
    static String env(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** Variables application.properties reads the property from (e.g. {@code GEMINI_API_KEY}). */
    static Set<String> aliases(String property) {
        Set<String> out = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^(?:%[\\w,]+\\.)?" + Pattern.quote(property) + "=(.*)$")
                .matcher(applicationProperties);
        while (line.find()) {
            Matcher ref = ENV_REFERENCE.matcher(line.group(1));
            while (ref.find()) {
                out.add(ref.group(1));
            }
        }
        return out;
    }

    @Test
    void theMappingsAreFound() {
        assertThat(properties)
                .as("@ConfigMapping properties in dev.livetoken")
                .hasSizeGreaterThan(50)
                .containsKeys("livetoken.upstream.api-key", "livetoken.store.mint-budget");
    }

    @Test
    void everyPropertyIsDocumentedWithItsEnvironmentVariableAndDefault() {
        List<String> problems = new ArrayList<>();
        properties.forEach((name, p) -> {
            Row row = rows.get(name);
            if (row == null) {
                problems.add(name + ": no row in " + DOC + " (add `| `" + name + "` | `" + env(name)
                        + "` | default | meaning |`)");
                return;
            }
            Set<String> envs = new TreeSet<>(aliases(name));
            envs.add(env(name));
            if (envs.stream().noneMatch(e -> row.env().contains("`" + e + "`"))) {
                problems.add(name + ": its row names none of " + envs + " as environment variable");
            }
            if (p.hasDefaultValue() && !row.defaultValue().contains(p.getDefaultValue())) {
                problems.add(name + ": its row's default does not show `" + p.getDefaultValue() + "` (@WithDefault)");
            }
        });
        assertThat(problems)
                .as("docs/configuration.md against the @ConfigMapping interfaces")
                .isEmpty();
    }

    @Test
    void everyDocumentedServicePropertyExists() {
        List<String> unknown = rows.keySet().stream()
                .filter(name -> name.startsWith("livetoken.") && !properties.containsKey(name))
                .toList();
        assertThat(unknown)
                .as("rows of " + DOC + " naming no @ConfigMapping property")
                .isEmpty();
    }
}
