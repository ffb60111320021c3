package dev.livetoken.languages;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

import dev.livetoken.auth.CallerResolver;
import dev.livetoken.policy.LockMode;
import dev.livetoken.policy.PolicyService;

/** {@code GET /v1/languages}: the target languages the caller's tenant may use. */
@Path("/v1/languages")
@Authenticated
public class LanguageResource {

    /** The languages and the default the service would pick. */
    public record LanguageList(List<Language> languages, String defaultTargetLanguageCode, LockMode lockMode) {}

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final PolicyService policies;
    private final LanguageCatalog catalog;

    LanguageResource(JsonWebToken jwt, CallerResolver callers, PolicyService policies, LanguageCatalog catalog) {
        this.jwt = jwt;
        this.callers = callers;
        this.policies = policies;
        this.catalog = catalog;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<LanguageList> list() {
        var caller = callers.resolve(jwt);
        return policies.effective(caller.tenant())
                .map(e -> e.policy())
                .map(p -> new LanguageList(
                        catalog.all().stream()
                                .filter(l -> p.allowsLanguage(l.code()))
                                .toList(),
                        p.defaultTargetLanguage(),
                        p.lockMode()));
    }
}
