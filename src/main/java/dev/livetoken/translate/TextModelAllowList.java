package dev.livetoken.translate;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * The one place that answers "may translations use this text model?". Today it is
 * {@code livetoken.translate.allowed-text-models}; a platform-wide model allow-list, when there is
 * one, plugs in here, so every check (request time, and policy validation if wired to it) follows.
 */
@ApplicationScoped
public class TextModelAllowList {

    private final Set<String> allowed;

    TextModelAllowList(TranslateConfig config) {
        this.allowed = Set.copyOf(config.allowedTextModels());
    }

    public boolean allows(String model) {
        return model != null && allowed.contains(model);
    }

    /** The allowed models, for a refusal's suggestions. */
    public Set<String> allowed() {
        return allowed;
    }
}
