package dev.livetoken.ops;

import java.util.logging.Handler;
import java.util.logging.Logger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.StartupEvent;

/**
 * Puts {@link RedactingLogFilter} in front of every root log handler (console, file, JSON) as the
 * application starts, so no configuration can forget it.
 */
@ApplicationScoped
public class LogRedactionInstaller {

    void install(@Observes @Priority(1) StartupEvent ev, Config config) {
        String key = config.getOptionalValue("livetoken.upstream.api-key", String.class)
                .orElse(null);
        SecretRedactor redactor = new SecretRedactor(key);
        for (Handler h : Logger.getLogger("").getHandlers()) {
            if (!(h.getFilter() instanceof RedactingLogFilter)) {
                h.setFilter(new RedactingLogFilter(redactor, h.getFilter()));
            }
        }
    }
}
