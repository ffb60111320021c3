package dev.livetoken.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.auth.Subjects;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/** The audit trail: a tenant's tokens, newest first, with filters and cursor pagination. */
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
        // limit is read as text: a JAX-RS Integer parameter that does not parse answers 404, not 400.
        int n = limit(limit);
        if (subject != null && !Subjects.isAcceptable(subject)) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'subject' " + Subjects.RULE + ".")
                    .field("subject")
                    .build();
        }
        Instant f = time(from, "from");
        Instant t = time(to, "to");
        if (f != null && t != null && !f.isBefore(t)) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'from' must be before 'to'.")
                    .field("from")
                    .build();
        }
        try {
            return audit.query(tenant, subject, f, t, cursor, n);
        } catch (AuditLog.BadCursor e) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'cursor' is not one we issued.")
                    .field("cursor")
                    .build();
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= 500) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'limit' must be a whole number from 1 to 500.")
                .field("limit")
                .build();
    }

    private static Instant time(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = java.time.OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "'" + field + "' must be an RFC 3339 date-time, e.g. 2026-11-21T00:00:00Z.")
                    .field(field)
                    .build();
        }
        // Years beyond 9999 parse, but overflow java.sql.Timestamp or the database's range.
        if (!AuditLog.inQueryRange(at)) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST, "'" + field + "' must lie between years 0001 and 9999.")
                    .field(field)
                    .build();
        }
        return at;
    }
}
