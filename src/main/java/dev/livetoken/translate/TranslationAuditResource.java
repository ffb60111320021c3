package dev.livetoken.translate;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.admin.AdminAccess;
import dev.livetoken.admin.PageQuery;
import dev.livetoken.audit.TranslationAuditLog;
import dev.livetoken.audit.TranslationAuditRecord;

/** {@code GET /admin/v1/tenants/{t}/translations}: a tenant's latest text translations, as audited (never the text). */
@Path("/admin/v1/tenants/{tenantId}/translations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TranslationAuditResource {

    /** The newest records first. */
    public record Page(List<TranslationAuditRecord> items) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final TranslationAuditLog audit;

    TranslationAuditResource(JsonWebToken jwt, AdminAccess access, TranslationAuditLog audit) {
        this.jwt = jwt;
        this.access = access;
        this.audit = audit;
    }

    @GET
    public Page list(@PathParam("tenantId") String tenant, @QueryParam("limit") String limit) {
        access.forTenant(jwt, tenant);
        // read as text, like the other admin listings: an Integer parameter that does not parse answers 404
        return new Page(audit.recent(tenant, PageQuery.parseLimit(limit)));
    }
}
