package dev.livetoken.admin;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.QueryParam;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.auth.Subjects;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * The query of a cursor-paged admin listing, newest first (the audit trail, reported sessions):
 * {@code subject}, a time range {@code from} (inclusive) to {@code to} (exclusive), the
 * {@code cursor} of the previous page and the page size. Every parameter is read as text and
 * checked here, so each listing answers a bad one alike: a 400 problem naming it, never a 404 or a
 * 500. The cursor itself is the listing's to decode; a cursor it rejects is {@link #badCursor()}.
 * The translations listing, paged by size alone, reads its {@code limit} with {@link #parseLimit}.
 */
public record PageQuery(String subject, Instant from, Instant to, String cursor, int limit) {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    /** The listing's query parameters as sent, each null when absent ({@code @BeanParam} of the listings). */
    record Params(
            @QueryParam("subject") String subject,
            @QueryParam("from") String from,
            @QueryParam("to") String to,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") String limit) {

        /** The checked query, or the 400 naming the first bad parameter. */
        PageQuery check() {
            // limit is read as text: a JAX-RS Integer parameter that does not parse answers 404, not 400.
            int n = parseLimit(limit);
            checkSubject(subject);
            Instant f = time(from, "from");
            Instant t = time(to, "to");
            if (f != null && t != null && !f.isBefore(t)) {
                throw invalid("from", "'from' must be before 'to'.");
            }
            return new PageQuery(subject, f, t, cursor, n);
        }
    }

    /**
     * A {@code subject} query parameter of an admin endpoint: absent, or a subject a caller could
     * have (auth/Subjects); otherwise the 400 naming {@code subject}.
     */
    static void checkSubject(String subject) {
        if (subject != null && !Subjects.isAcceptable(subject)) {
            throw invalid("subject", "'subject' " + Subjects.RULE + ".");
        }
    }

    /** The 400 of a cursor the listing did not issue. */
    static ProblemException badCursor() {
        return invalid("cursor", "'cursor' is not one we issued.");
    }

    /** The page size of an admin listing: {@value #DEFAULT_LIMIT} when absent, else 1 to {@value #MAX_LIMIT}, or the 400 naming {@code limit}. */
    public static int parseLimit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw invalid("limit", "'limit' must be a whole number from 1 to " + MAX_LIMIT + ".");
    }

    private static Instant time(String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid(field, "'" + field + "' must be an RFC 3339 date-time, e.g. 2026-11-21T00:00:00Z.");
        }
        // Years beyond 9999 parse, but overflow java.sql.Timestamp or the database's range.
        if (!AuditLog.inQueryRange(at)) {
            throw invalid(field, "'" + field + "' must lie between years 0001 and 9999.");
        }
        return at;
    }

    private static ProblemException invalid(String field, String detail) {
        return ProblemException.builder(ProblemType.INVALID_REQUEST, detail)
                .field(field)
                .build();
    }
}
