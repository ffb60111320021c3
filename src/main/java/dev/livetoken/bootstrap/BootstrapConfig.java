package dev.livetoken.bootstrap;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * How a fresh deployment gets its first policies. Read by {@link StartupChecks}; declared here so
 * the setting is documented and typo-checked like every other.
 */
@ConfigMapping(prefix = "livetoken.bootstrap")
public interface BootstrapConfig {

    /**
     * A JSON file of tenant policies (and the {@code default} policy) created at startup for each
     * tenant that has no policy yet (env {@code LIVETOKEN_BOOTSTRAP_POLICIES_FILE}). None by default.
     */
    Optional<String> policiesFile();
}
