package dev.livetoken.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.audit.AuditLog;

/** The audit trail: a tenant's tokens, newest first, with filters and cursor pagination ({@link PageQuery}). */
@Path("/admin/v1/tenants/{tenantId}/tokens")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final AuditLog audit;

    AuditResource(JsonWebToken jwt, AdminAccess access, AuditLog audit) {
        this.jwt = jwt;
        this.access = access;
        this.audit = audit;
    }

    @GET
    public AuditLog.Page tokens(
            @PathParam("tenantId") String tenant,
            @QueryParam("subject") String subject,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        access.forTenant(jwt, tenant);
        PageQuery q = PageQuery.of(subject, from, to, cursor, limit);
        try {
            return audit.query(tenant, q.subject(), q.from(), q.to(), q.cursor(), q.limit());
        } catch (AuditLog.BadCursor e) {
            throw PageQuery.badCursor();
        }
    }
}
