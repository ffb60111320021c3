package dev.livetoken.admin;

import dev.livetoken.auth.Caller;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.policy.PolicyStore;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * The kill switch: block one user, or a whole tenant, from minting. Takes effect on this replica at
 * once and on every other within {@code livetoken.policy.refresh-interval}. Tokens already minted
 * live out their (short) lifetime; that is why lifetimes should stay short.
 */
@Path("/admin/v1/tenants/{tenantId}/blocks")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BlockResource {

    /** Why a block was set; optional. */
    public record BlockRequest(String reason) {
    }

    /** The blocks of a tenant. */
    public record BlockList(List<PolicyStore.Block> blocks) {
    }

    private final org.eclipse.microprofile.jwt.JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyStore store;
    private final PolicyService policies;

    BlockResource(org.eclipse.microprofile.jwt.JsonWebToken jwt, AdminAccess access, PolicyStore store,
            PolicyService policies) {
        this.jwt = jwt;
        this.access = access;
        this.store = store;
        this.policies = policies;
    }

    @GET
    public BlockList list(@PathParam("tenantId") String tenant) {
        access.forTenant(jwt, tenant);
        return new BlockList(store.blocks(tenant));
    }

    @PUT
    @Path("users/{subject}")
    public Response blockUser(@PathParam("tenantId") String tenant, @PathParam("subject") String subject,
            BlockRequest body) {
        if (PolicyStore.WHOLE_TENANT.equals(subject) || !dev.livetoken.auth.Subjects.isAcceptable(subject)) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "A user id " + dev.livetoken.auth.Subjects.RULE
                    + "; use /blocks/tenant to block the whole tenant.").field("subject").build();
        }
        return block(tenant, subject, body);
    }

    @DELETE
    @Path("users/{subject}")
    public Response unblockUser(@PathParam("tenantId") String tenant, @PathParam("subject") String subject) {
        return unblock(tenant, subject);
    }

    @PUT
    @Path("tenant")
    public Response blockTenant(@PathParam("tenantId") String tenant, BlockRequest body) {
        return block(tenant, PolicyStore.WHOLE_TENANT, body);
    }

    @DELETE
    @Path("tenant")
    public Response unblockTenant(@PathParam("tenantId") String tenant) {
        return unblock(tenant, PolicyStore.WHOLE_TENANT);
    }

    private Response block(String tenant, String subject, BlockRequest body) {
        Caller c = access.forTenant(jwt, tenant);
        String reason = body == null ? null : body.reason();
        if (reason != null && reason.length() > 500) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'reason' is at most 500 characters.")
                    .field("reason").build();
        }
        boolean created = store.block(tenant, subject, reason, c.subject());
        policies.invalidateLocal();
        var block = store.blocks(tenant).stream().filter(b -> b.subject().equals(subject)).findFirst().orElseThrow();
        return Response.status(created ? 201 : 200).entity(block).build();
    }

    private Response unblock(String tenant, String subject) {
        access.forTenant(jwt, tenant);
        if (!store.unblock(tenant, subject)) {
            throw ProblemException.of(ProblemType.NOT_FOUND, "No such block.");
        }
        policies.invalidateLocal();
        return Response.noContent().build();
    }
}
