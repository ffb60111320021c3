package dev.livetoken.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.PolicyDocument;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;

/**
 * Turns a written policy document into a valid {@link TokenPolicy}, or a problem naming each bad
 * field. The one validation path for every way a policy is written: the admin API's PUT and PATCH
 * and the bootstrap policies file, so the same rules (and ceilings) hold for all of them.
 */
@ApplicationScoped
public class TenantPolicyValidator {

    private final PolicyService policies;
    private final LanguageCatalog languages;
    private final ObjectMapper json;

    TenantPolicyValidator(PolicyService policies, LanguageCatalog languages, ObjectMapper json) {
        this.policies = policies;
        this.languages = languages;
        this.json = json;
    }

    /** The policy {@code doc} describes for {@code tenant} at {@code version}; read-only fields are ignored. */
    public TokenPolicy validate(String tenant, ObjectNode doc, long version) {
        JsonNode id = doc.get("tenantId");
        if (id != null && !id.isNull() && !tenant.equals(id.asText())) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST,
                    "The body's tenantId '" + id.asText() + "' does not match the path.").field("tenantId").build();
        }
        TenantPolicyResource.READ_ONLY.forEach(doc::remove);
        PolicyDocument d;
        try {
            d = json.treeToValue(doc, PolicyDocument.class);
        } catch (IOException e) {
            throw e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? new ProblemException.Wrapped(jpe) : new IllegalStateException(e);
        }
        PolicyDocument.Result r = d.toPolicy(tenant, version, policies.defaults(), languages);
        if (r.policy() == null) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST,
                    "The policy is invalid: " + r.errors().size() + " field(s) to fix.")
                    .errors(r.errors()).build();
        }
        return r.policy();
    }
}
