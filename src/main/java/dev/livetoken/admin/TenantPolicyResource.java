package dev.livetoken.admin;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestHeader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.security.Authenticated;

import dev.livetoken.auth.Caller;
import dev.livetoken.policy.PolicyAdmin;
import dev.livetoken.policy.PolicyDocument;
import dev.livetoken.policy.PolicyStore;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * {@code /admin/v1/tenants}: tenant policies with optimistic concurrency. Every update names the
 * version it read (If-Match); a stale one gets 412, a missing one 428. Every write goes through
 * {@link PolicyAdmin}, which holds it to the platform's ceilings and a tenant-admin to its fields. Blocking JDBC: these methods
 * run on worker threads (non-reactive return types).
 */
@Path("/admin/v1/tenants")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TenantPolicyResource {

    /** One row of the tenant list. */
    public record TenantSummary(
            String tenantId,
            long version,
            boolean enabled,
            String lockMode,
            boolean blocked,
            java.time.Instant updatedAt) {}

    /** The tenant list. */
    public record TenantList(List<TenantSummary> tenants) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyStore store;
    private final PolicyAdmin admin;
    private final ObjectMapper json;

    TenantPolicyResource(
            JsonWebToken jwt, AdminAccess access, PolicyStore store, PolicyAdmin admin, ObjectMapper json) {
        this.jwt = jwt;
        this.access = access;
        this.store = store;
        this.admin = admin;
        this.json = json;
    }

    @GET
    public TenantList list() {
        Caller c = access.admin(jwt);
        List<PolicyStore.Stored> stored = store.list(c.isPlatformAdmin() ? null : c.tenant());
        return new TenantList(stored.stream()
                .map(s -> new TenantSummary(
                        s.policy().tenantId(),
                        s.policy().version(),
                        s.policy().enabled(),
                        s.policy().lockMode().name(),
                        store.blockedSubjects(s.policy().tenantId()).contains(PolicyStore.WHOLE_TENANT),
                        s.updatedAt()))
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
    public Response put(
            @PathParam("tenantId") String tenant,
            @RestHeader("If-Match") String ifMatch,
            @RestHeader("If-None-Match") String ifNoneMatch,
            @RestHeader("Content-Type") String contentType,
            byte[] body) {
        Caller c = access.forTenant(jwt, tenant);
        ObjectNode doc = parse(contentType, body, false);
        var existing = store.find(tenant);
        if (existing.isEmpty()) {
            if (ifMatch != null && !ifMatch.isBlank()) {
                throw ETags.stale(-1);
            }
            return ok(admin.create(PolicyAdmin.Actor.of(c), tenant, doc), Response.Status.CREATED);
        }
        if ("*".equals(ifNoneMatch)) {
            throw ETags.stale(existing.get().policy().version());
        }
        long version = ETags.require(ifMatch, existing.get().policy().version());
        try {
            return ok(admin.replace(PolicyAdmin.Actor.of(c), tenant, doc, version), Response.Status.OK);
        } catch (PolicyStore.VersionConflict e) {
            throw ETags.stale(e.current);
        }
    }

    @PATCH
    @Path("{tenantId}/policy")
    public Response patch(
            @PathParam("tenantId") String tenant,
            @RestHeader("If-Match") String ifMatch,
            @RestHeader("Content-Type") String contentType,
            byte[] body) {
        Caller c = access.forTenant(jwt, tenant);
        ObjectNode patch = parse(contentType, body, true);
        PolicyStore.Stored s = store.find(tenant).orElseThrow(() -> notFound(tenant));
        long version = ETags.require(ifMatch, s.policy().version());
        try {
            return ok(admin.patch(PolicyAdmin.Actor.of(c), tenant, patch, version), Response.Status.OK);
        } catch (PolicyStore.VersionConflict e) {
            throw ETags.stale(e.current);
        }
    }

    @DELETE
    @Path("{tenantId}/policy")
    public Response delete(@PathParam("tenantId") String tenant, @RestHeader("If-Match") String ifMatch) {
        Caller c = access.forTenant(jwt, tenant);
        PolicyStore.Stored s = store.find(tenant).orElseThrow(() -> notFound(tenant));
        long version = ETags.require(ifMatch, s.policy().version());
        try {
            admin.delete(PolicyAdmin.Actor.of(c), tenant, version);
        } catch (PolicyStore.VersionConflict e) {
            throw ETags.stale(e.current);
        }
        return Response.noContent().build();
    }

    private ObjectNode parse(String contentType, byte[] body, boolean mergePatch) {
        MediaType type = contentType == null ? null : MediaType.valueOf(contentType);
        boolean acceptable = type != null
                && (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                        || (mergePatch && "merge-patch+json".equals(type.getSubtype())));
        if (!acceptable) {
            throw ProblemException.of(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    mergePatch
                            ? "Send the patch as application/merge-patch+json."
                            : "Send the policy as application/json.");
        }
        if (body == null || body.length == 0) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        JsonNode node;
        try {
            node = json.readTree(body);
        } catch (IOException e) {
            throw e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                    ? new ProblemException.Wrapped(jpe)
                    : new IllegalStateException(e);
        }
        if (node == null || !node.isObject()) {
            throw ProblemException.of(ProblemType.INVALID_REQUEST, "The body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    private Response ok(PolicyStore.Stored s, Response.Status status) {
        ObjectNode doc = json.valueToTree(PolicyDocument.of(s.policy(), s.updatedAt(), s.updatedBy()));
        if (s.disabled() != null) {
            // whose decision the disable is: only a platform-admin may lift a platform-admin's
            doc.put("disabledBy", s.disabled().subject());
            doc.put("disabledByRole", s.disabled().role());
        }
        Response.ResponseBuilder rb = Response.status(status)
                .tag(new jakarta.ws.rs.core.EntityTag(String.valueOf(s.policy().version())))
                .header("Cache-Control", "no-store")
                .entity(doc);
        if (status == Response.Status.CREATED) {
            rb.location(URI.create("/admin/v1/tenants/" + s.policy().tenantId() + "/policy"));
        }
        return rb.build();
    }

    private static ProblemException notFound(String tenant) {
        return ProblemException.of(
                ProblemType.NOT_FOUND,
                "Tenant '" + tenant
                        + "' has no policy of its own (the default policy applies to it, if there is one).");
    }
}
