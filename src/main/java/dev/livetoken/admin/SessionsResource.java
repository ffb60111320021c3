package dev.livetoken.admin;

import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.sessions.SessionLog;

/**
 * {@code GET /admin/v1/tenants/{tenantId}/sessions}: the sessions a tenant's devices reported, newest
 * start first, with the audit trail's filters ({@code subject}, {@code from}, {@code to} on the start
 * time) and cursor pages ({@link PageQuery}). For the tenant's admins and platform admins, like the audit trail.
 */
@Path("/admin/v1/tenants/{tenantId}/sessions")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final SessionLog sessions;

    SessionsResource(JsonWebToken jwt, AdminAccess access, SessionLog sessions) {
        this.jwt = jwt;
        this.access = access;
        this.sessions = sessions;
    }

    @GET
    public SessionLog.Page list(@PathParam("tenantId") String tenant, @BeanParam PageQuery.Params params) {
        access.forTenant(jwt, tenant);
        PageQuery q = params.check();
        try {
            return sessions.query(tenant, q.subject(), q.from(), q.to(), q.cursor(), q.limit());
        } catch (SessionLog.BadCursor e) {
            throw PageQuery.badCursor();
        }
    }
}
