package dev.livetoken.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.policy.PlatformCeilings;

/**
 * {@code GET /admin/v1/platform}: the operator's ceilings ({@code livetoken.platform.*}) and the
 * policy fields a tenant-admin may change, so a tenant-admin learns its bounds before a write is refused.
 */
@Path("/admin/v1/platform")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class PlatformResource {

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PlatformCeilings ceilings;

    PlatformResource(JsonWebToken jwt, AdminAccess access, PlatformCeilings ceilings) {
        this.jwt = jwt;
        this.access = access;
        this.ceilings = ceilings;
    }

    @GET
    public PlatformCeilings get() {
        access.admin(jwt);
        return ceilings;
    }
}
