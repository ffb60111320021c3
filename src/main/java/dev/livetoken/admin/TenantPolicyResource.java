package dev.livetoken.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.livetoken.auth.Caller;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.policy.PolicyDocument;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.policy.PolicyStore;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * {@code /admin/v1/tenants}: tenant policies with optimistic concurrency. Every update names the
 * version it read (If-Match); a stale one gets 412, a missing one 428. Blocking JDBC: these methods
 * run on worker threads (non-reactive return types).
 */
@Path("/admin/v1/tenants")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TenantPolicyResource {

    /** One row of the tenant list. */
    public record TenantSummary(String tenantId, long version, boolean enabled, String lockMode, boolean blocked,
            java.time.Instant updatedAt) {
    }

    /** The tenant list. */
    public record TenantList(List<TenantSummary> tenants) {
    }

    static final Set<String> READ_ONLY = Set.of("tenantId", "version", "updatedAt", "updatedBy");

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyStore store;
    private final PolicyService policies;
    private final LanguageCatalog languages;
    private final ObjectMapper json;
    // The PUT/PATCH validation, shared with the bootstrap policies file.
    @jakarta.inject.Inject
    TenantPolicyValidator validator;

    TenantPolicyResource(JsonWebToken jwt, AdminAccess access, PolicyStore store, PolicyService policies,
            LanguageCatalog languages, ObjectMapper json) {
        this.jwt = jwt;
        this.access = access;
        this.store = store;
        this.policies = policies;
        this.languages = languages;
        this.json = json;
    }

    @GET
    public TenantList list() {
        Caller c = access.admin(jwt);
        List<PolicyStore.Stored> stored = store.list(c.isPlatformAdmin() ? null : c.tenant());
        return new TenantList(stored.stream().map(s -> new TenantSummary(s.policy().tenantId(), s.policy().version(),
                s.policy().enabled(), s.policy().lockMode().name(),
                store.blockedSubjects(s.policy().tenantId()).contains(PolicyStore.WHOLE_TENANT), s.updatedAt()))
                .toList());
    }

    @GET
    @Path("{tenantId}/policy")
    public Response get(@PathParam("tenantId") String tenant) {
        access.forTenant(jwt, tenant);
        PolicyStore.Stored s = store.find(tenant).orElseThrow(() -> notFound(tenant));
        return ok(s, Response.Status.OK);
    }

    @PUT
    @Path("{tenantId}/policy")
    public Response put(@PathParam("tenantId") String tenant, @RestHeader("If-Match") String ifMatch,
            @RestHeader("If-None-Match") String ifNoneMatch, @RestHeader("Content-Type") String contentType,
            byte[] body) {
        Caller c = access.forTenant(jwt, tenant);
        ObjectNode doc = parse(contentType, body, false);
        var existing = store.find(tenant);
        if (existing.isEmpty()) {
            if (ifMatch != null && !ifMatch.isBlank()) {
                throw ETags.stale(-1);
            }
            TokenPolicy p = validate(tenant, doc, 1);
            if (!store.insert(p, c.subject())) {
                throw ProblemException.of(ProblemType.CONFLICT, "The policy was created concurrently; read it and retry.");
            }
            policies.invalidateLocal();
            return ok(store.find(tenant).orElseThrow(), Response.Status.CREATED);
        }
        if ("*".equals(ifNoneMatch)) {
            throw ETags.stale(existing.get().policy().version());
        }
        long version = ETags.require(ifMatch, existing.get().policy().version());
        TokenPolicy p = validate(tenant, doc, version + 1);
        update(p, version, c);
        return ok(store.find(tenant).orElseThrow(), Response.Status.OK);
    }

    @PATCH
    @Path("{tenantId}/policy")
    public Response patch(@PathParam("tenantId") String tenant, @RestHeader("If-Match") String ifMatch,
            @RestHeader("Content-Type") String contentType, byte[] body) {
        Caller c = access.forTenant(jwt, tenant);
        ObjectNode patch = parse(contentType, body, true);
        PolicyStore.Stored s = store.find(tenant).orElseThrow(() -> notFound(tenant));
        long version = ETags.require(ifMatch, s.policy().version());
        ObjectNode current = json.valueToTree(PolicyDocument.of(s.policy(), null, null));
        mergePatch(current, patch);
        TokenPolicy p = validate(tenant, current, version + 1);
        update(p, version, c);
        return ok(store.find(tenant).orElseThrow(), Response.Status.OK);
    }

    @DELETE
    @Path("{tenantId}/policy")
    public Response delete(@PathParam("tenantId") String tenant, @RestHeader("If-Match") String ifMatch) {
        access.forTenant(jwt, tenant);
        PolicyStore.Stored s = store.find(tenant).orElseThrow(() -> notFound(tenant));
        long version = ETags.require(ifMatch, s.policy().version());
        try {
            store.delete(tenant, version);
        } catch (PolicyStore.VersionConflict e) {
            throw ETags.stale(e.current);
        }
        policies.invalidateLocal();
        return Response.noContent().build();
    }

    private void update(TokenPolicy p, long version, Caller c) {
        try {
            store.update(p, version, c.subject());
        } catch (PolicyStore.VersionConflict e) {
            throw ETags.stale(e.current);
        }
        policies.invalidateLocal();
    }

    private TokenPolicy validate(String tenant, ObjectNode doc, long version) {
        return validator.validate(tenant, doc, version);
    }

    private ObjectNode parse(String contentType, byte[] body, boolean mergePatch) {
        MediaType type = contentType == null ? null : MediaType.valueOf(contentType);
        boolean acceptable = type != null && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                || (mergePatch && "merge-patch+json".equals(type.getSubtype())));
        if (!acceptable) {
            throw ProblemException.of(ProblemType.UNSUPPORTED_MEDIA_TYPE, mergePatch
                    ? "Send the patch as application/merge-patch+json." : "Send the policy as application/json.");
        }
        if (body == null || body.length == 0) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            throw e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? new ProblemException.Wrapped(jpe) : new IllegalStateException(e);
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    /** RFC 7396: null removes a member, an object merges, anything else replaces. */
    static void mergePatch(ObjectNode target, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isNull()) {
                target.remove(e.getKey());
            } else if (e.getValue().isObject() && target.get(e.getKey()) instanceof ObjectNode t) {
                mergePatch(t, (ObjectNode) e.getValue());
            } else {
                target.set(e.getKey(), e.getValue());
            }
        }
    }

    private static Response ok(PolicyStore.Stored s, Response.Status status) {
        Response.ResponseBuilder rb = Response.status(status)
                .tag(new jakarta.ws.rs.core.EntityTag(String.valueOf(s.policy().version())))
                .header("Cache-Control", "no-store")
                .entity(PolicyDocument.of(s.policy(), s.updatedAt(), s.updatedBy()));
        if (status == Response.Status.CREATED) {
            rb.location(URI.create("/admin/v1/tenants/" + s.policy().tenantId() + "/policy"));
        }
        return rb.build();
    }

    private static ProblemException notFound(String tenant) {
        return ProblemException.of(ProblemType.NOT_FOUND, "Tenant '" + tenant
                + "' has no policy of its own (the default policy applies to it, if there is one).");
    }
}
