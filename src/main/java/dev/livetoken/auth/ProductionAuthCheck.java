package dev.livetoken.auth;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.Config;

/**
 * Refuses to start a production service whose JWT verification is under-configured: without an
 * issuer or audience check, any token signed by the right key for another app would be accepted.
 */
@ApplicationScoped
public class ProductionAuthCheck {

    void check(@Observes StartupEvent ev, Config config) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return;
        }
        List<String> missing = new ArrayList<>();
        for (String p : List.of("mp.jwt.verify.issuer", "mp.jwt.verify.audiences")) {
            if (config.getOptionalValue(p, String.class).filter(v -> !v.isBlank()).isEmpty()) {
                missing.add(p);
            }
        }
        boolean hasKey = config.getOptionalValue("mp.jwt.verify.publickey.location", String.class).isPresent()
                || config.getOptionalValue("mp.jwt.verify.publickey", String.class).isPresent();
        if (!hasKey) {
            missing.add("mp.jwt.verify.publickey.location");
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("JWT verification is not configured; set " + missing
                    + " (see README, Configuration).");
        }
    }
}
