package dev.livetoken.admin;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
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
    public AuditLog.Page tokens(@PathParam("tenantId") String tenant, @BeanParam PageQuery.Params params) {
        access.forTenant(jwt, tenant);
        PageQuery q = params.check();
        try {
            return audit.query(tenant, q.subject(), q.from(), q.to(), q.cursor(), q.limit());
        } catch (AuditLog.BadCursor e) {
            throw PageQuery.badCursor();
        }
    }
}
