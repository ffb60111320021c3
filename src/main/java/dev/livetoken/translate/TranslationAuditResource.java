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
import dev.livetoken.audit.TranslationAuditLog;
import dev.livetoken.audit.TranslationAuditRecord;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

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
    public Page list(@PathParam("tenantId") String tenant, @QueryParam("limit") Integer limit) {
        access.forTenant(jwt, tenant);
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 500) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'limit' must be between 1 and 500.")
                    .field("limit")
                    .build();
        }
        return new Page(audit.recent(tenant, n));
    }
}
