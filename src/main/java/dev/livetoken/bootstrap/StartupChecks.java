package dev.livetoken.bootstrap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.SmallRyeConfig;

/**
 * The first thing that runs once the store is migrated: checks every production setting and the
 * bootstrap policies file together, and stops the start with ONE message listing every problem by
 * its environment variable (Quarkus prints a {@link ConfigurationException} without a stack trace
 * and exits with status 1). Only then are the file's policies applied. Runs before every other
 * startup observer and {@code @Startup} bean (priority 1), so no half-configured component fails
 * first with a narrower message.
 */
@ApplicationScoped
public class StartupChecks {

    void onStart(
            @Observes @Priority(1) StartupEvent ev,
            Config config,
            BootstrapConfig bootstrap,
            Instance<PolicySeed> seed) {
        SmallRyeConfig c = config.unwrap(SmallRyeConfig.class);
        List<ProductionSettings.Problem> problems = new ArrayList<>();
        if (isProduction(c.getProfiles())) {
            problems.addAll(ProductionSettings.check(name -> c.getOptionalValue(name, String.class)));
        }
        Optional<String> file = bootstrap.policiesFile().filter(f -> !f.isBlank());
        PolicySeed.Loaded loaded = null;
        if (file.isPresent()) {
            loaded = seed.get().load(Path.of(file.get().strip()));
            for (String reason : loaded.problems()) {
                problems.add(new ProductionSettings.Problem(
                        PolicySeed.ENV, PolicySeed.PROPERTY, file.get().strip() + ": " + reason));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(ProductionSettings.message(problems));
        }
        if (loaded != null) {
            seed.get().apply(loaded);
        }
    }

    /**
     * Production is any profile but dev and test: the packaged service runs {@code prod}, and an
     * operator's own profile (say {@code staging}) is held to the same rules.
     */
    static boolean isProduction(List<String> profiles) {
        return !profiles.contains("dev") && !profiles.contains("test");
    }
}
