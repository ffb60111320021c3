package dev.livetoken.admin;

import java.io.IOException;
import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.RestHeader;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.Authenticated;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.Subjects;
import dev.livetoken.policy.PolicyAdmin;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.policy.PolicyStore;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * The kill switch: block one user, or a whole tenant, from minting. Takes effect on this replica at
 * once and on every other within {@code livetoken.policy.refresh-interval}. Tokens already minted
 * live out their (short) lifetime; that is why lifetimes should stay short.
 *
 * <p>Built for incidents: the body is optional (a bare {@code curl -X PUT} blocks), the caller's
 * authority is checked before the body is read, repeats and concurrent identical calls succeed with
 * one block, and a block records whose decision it is: only a platform-admin lifts a platform-admin's.
 */
@Path("/admin/v1/tenants/{tenantId}/blocks")
@Authenticated
// No @Produces and byte[] bodies: neither Accept nor Content-Type is negotiated before the caller's
// authority is checked; every answer is JSON (or a problem document) whatever the caller accepts.
public class BlockResource {

    /** Why a block was set; optional. */
    public record BlockRequest(String reason) {}

    /** The blocks of a tenant. */
    public record BlockList(List<PolicyStore.Block> blocks) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyStore store;
    private final PolicyService policies;
    private final ObjectMapper json;

    BlockResource(JsonWebToken jwt, AdminAccess access, PolicyStore store, PolicyService policies, ObjectMapper json) {
        this.jwt = jwt;
        this.access = access;
        this.store = store;
        this.policies = policies;
        this.json = json;
    }

    @GET
    public Response list(@PathParam("tenantId") String tenant) {
        access.forTenant(jwt, tenant);
        return Response.ok(new BlockList(store.blocks(tenant)), MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    @PUT
    @Path("users/{subject}")
    public Response blockUser(
            @PathParam("tenantId") String tenant,
            @PathParam("subject") String subject,
            @RestHeader("Content-Type") String contentType,
            byte[] body) {
        Caller c = access.forTenant(jwt, tenant);
        if (PolicyStore.WHOLE_TENANT.equals(subject) || !Subjects.isAcceptable(subject)) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "A user id " + Subjects.RULE + "; use /blocks/tenant to block the whole tenant.")
                    .field("subject")
                    .build();
        }
        return block(c, tenant, subject, contentType, body);
    }

    @DELETE
    @Path("users/{subject}")
    public Response unblockUser(@PathParam("tenantId") String tenant, @PathParam("subject") String subject) {
        return unblock(tenant, subject);
    }

    @PUT
    @Path("tenant")
    public Response blockTenant(
            @PathParam("tenantId") String tenant, @RestHeader("Content-Type") String contentType, byte[] body) {
        Caller c = access.forTenant(jwt, tenant);
        return block(c, tenant, PolicyStore.WHOLE_TENANT, contentType, body);
    }

    @DELETE
    @Path("tenant")
    public Response unblockTenant(@PathParam("tenantId") String tenant) {
        return unblock(tenant, PolicyStore.WHOLE_TENANT);
    }

    private Response block(Caller c, String tenant, String subject, String contentType, byte[] body) {
        if (TokenPolicy.DEFAULT_TENANT.equals(tenant)) {
            // Nobody belongs to tenant 'default', so a block there would stop nothing while looking like it does.
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "Tenant 'default' has no users to block. To stop "
                                    + "every tenant without a policy of its own, set enabled to false in the default policy.")
                    .field("tenantId")
                    .build();
        }
        String reason = reason(contentType, body);
        PolicyStore.Blocked b = store.block(
                tenant, subject, reason, c.subject(), PolicyAdmin.Actor.of(c).role());
        policies.invalidateLocal();
        return Response.status(b.created() ? 201 : 200)
                .entity(b.block())
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }

    /** The optional body: nothing, or a JSON {@link BlockRequest}. */
    private String reason(String contentType, byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        MediaType type;
        try {
            type = contentType == null ? null : MediaType.valueOf(contentType);
        } catch (IllegalArgumentException e) {
            type = null;
        }
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw ProblemException.of(
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Send the block's reason as application/json ({\"reason\":\"…\"}), or send no body.");
        }
        BlockRequest request;
        try {
            request = json.readValue(body, BlockRequest.class);
        } catch (JsonProcessingException e) {
            throw new ProblemException.Wrapped(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String reason = request == null ? null : request.reason();
        if (reason != null && reason.length() > 500) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'reason' is at most 500 characters.")
                    .field("reason")
                    .build();
        }
        return reason;
    }

    private Response unblock(String tenant, String subject) {
        Caller c = access.forTenant(jwt, tenant);
        switch (store.unblock(tenant, subject, c.isPlatformAdmin())) {
            case NOT_FOUND -> throw ProblemException.of(ProblemType.NOT_FOUND, "No such block.");
            case PLATFORM_RESERVED ->
                throw ProblemException.of(
                        ProblemType.PLATFORM_RESERVED,
                        "A platform-admin set this block; only a platform-admin may lift it.");
            case LIFTED -> policies.invalidateLocal();
        }
        return Response.noContent().build();
    }
}
