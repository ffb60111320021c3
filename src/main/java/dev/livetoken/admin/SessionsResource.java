package dev.livetoken.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.auth.Subjects;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.sessions.SessionLog;

/**
 * {@code GET /admin/v1/tenants/{tenantId}/sessions}: the sessions a tenant's devices reported, newest
 * start first, with the audit trail's filters ({@code subject}, {@code from}, {@code to} on the start
 * time) and cursor pages. For the tenant's admins and platform admins, like the audit trail.
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
    public SessionLog.Page list(
            @PathParam("tenantId") String tenant,
            @QueryParam("subject") String subject,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {
        access.forTenant(jwt, tenant);
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
            return sessions.query(tenant, subject, f, t, cursor, n);
        } catch (SessionLog.BadCursor e) {
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
        try {
            Instant at = OffsetDateTime.parse(value).toInstant();
            if (at.getEpochSecond() >= -62_135_596_800L && at.getEpochSecond() <= 253_402_300_799L) {
                return at;
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw ProblemException.builder(
                        ProblemType.INVALID_REQUEST,
                        "'" + field
                                + "' must be an RFC 3339 date-time between years 0001 and 9999, e.g. 2026-11-21T00:00:00Z.")
                .field(field)
                .build();
    }
}
