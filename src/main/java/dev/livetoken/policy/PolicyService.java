package dev.livetoken.policy;

import dev.livetoken.languages.LanguageCatalog;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The policy in force for a tenant. For now every tenant gets the configured default policy,
 * checked once at startup so a bad setting stops the service instead of failing every mint.
 */
@ApplicationScoped
public class PolicyService {

    private final TokenPolicy defaults;

    PolicyService(DefaultPolicyConfig config, LanguageCatalog languages) {
        Set<String> allowed = config.allowedTargetLanguages().orElse(Set.of()).stream()
                .map(code -> languages.require(code, "livetoken.default-policy.allowed-target-languages").code())
                .collect(Collectors.toUnmodifiableSet());
        String dflt = languages.require(config.defaultTargetLanguage(),
                "livetoken.default-policy.default-target-language").code();
        TokenPolicy p = new TokenPolicy("*", config.enabled(), config.model(), config.lockMode(), allowed, dflt,
                config.echoTargetLanguage(), config.echoOverridable(), config.defaultUses(), config.maxUses(),
                config.tokenLifetime(), config.newSessionWindow(), 1);
        PolicyRules.check(p);
        this.defaults = p;
    }

    public Uni<TokenPolicy> policyFor(String tenant) {
        return Uni.createFrom().item(defaults);
    }
}
