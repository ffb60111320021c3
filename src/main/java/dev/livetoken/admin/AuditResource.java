package dev.livetoken.admin;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The audit trail: a tenant's tokens with filters and cursor pagination, and lookup by token. */
@Path("/admin/v1")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    /** A token someone showed an operator; sent in a body so it never lands in an access log. */
    public record LookupRequest(String token) {
    }

    /** The records of a looked-up token (normally one). */
    public record LookupResult(List<AuditRecord> records) {
    }

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final AuditLog audit;
    private final TokenHasher hasher;

    AuditResource(JsonWebToken jwt, AdminAccess access, AuditLog audit, TokenHasher hasher) {
        this.jwt = jwt;
        this.access = access;
        this.audit = audit;
        this.hasher = hasher;
    }

    @GET
    @Path("tenants/{tenantId}/tokens")
    public AuditLog.Page tokens(@PathParam("tenantId") String tenant, @QueryParam("subject") String subject,
            @QueryParam("from") String from, @QueryParam("to") String to, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        access.forTenant(jwt, tenant);
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 500) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'limit' must be between 1 and 500.")
                    .field("limit").build();
        }
        Instant f = time(from, "from");
        Instant t = time(to, "to");
        if (f != null && t != null && !f.isBefore(t)) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'from' must be before 'to'.").field("from").build();
        }
        try {
            return audit.query(tenant, subject, f, t, cursor, n);
        } catch (AuditLog.BadCursor e) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'cursor' is not one we issued.")
                    .field("cursor").build();
        }
    }

    @POST
    @Path("token-lookup")
    public LookupResult lookup(LookupRequest body) {
        Caller c = access.admin(jwt);
        if (body == null || body.token() == null || !body.token().startsWith("auth_tokens/")) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'token' must be an auth_tokens/… token.")
                    .field("token").build();
        }
        List<AuditRecord> found = audit.byTokenHash(hasher.hash(body.token())).stream()
                .filter(r -> c.isPlatformAdmin() || r.tenantId().equals(c.tenant())).toList();
        if (found.isEmpty()) {
            throw ProblemException.of(ProblemType.NOT_FOUND, "No token with this value was issued to a tenant you administer.");
        }
        return new LookupResult(found);
    }

    private static Instant time(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST,
                    "'" + field + "' must be an RFC 3339 date-time, e.g. 2026-11-21T00:00:00Z.").field(field).build();
        }
    }
}
