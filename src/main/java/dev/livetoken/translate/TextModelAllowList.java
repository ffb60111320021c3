package dev.livetoken.translate;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.policy.PlatformCeilings;

/**
 * The one place that answers "may translations use this text model?": the operator's
 * {@code livetoken.platform.allowed-text-models}, which also bounds every policy write, asked again
 * at request time so a policy stored before the list shrank cannot use a model it no longer holds.
 */
@ApplicationScoped
public class TextModelAllowList {

    private final PlatformCeilings ceilings;

    TextModelAllowList(PlatformCeilings ceilings) {
        this.ceilings = ceilings;
    }

    public boolean allows(String model) {
        return ceilings.allowsTextModel(model);
    }

    /** The allowed models, for a refusal's suggestions. */
    public List<String> allowed() {
        return ceilings.allowedTextModels();
    }
}
