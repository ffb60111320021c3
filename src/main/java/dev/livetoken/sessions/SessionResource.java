package dev.livetoken.sessions;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.ops.AccessLog;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * {@code POST /v1/sessions}: a device reports a finished Live session, with the user's JWT. The
 * token must be the caller's; the report is checked against the token's audit record
 * ({@link SessionRules}) and stored without the token (its record's id and HMAC only). A repeat of
 * a {@code sessionId} is accepted and changes nothing. Answers {@code 202}.
 */
@Path("/v1/sessions")
@Authenticated
public class SessionResource {

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final AccessLog accessLog;
    private final AuditLog audit;
    private final TokenHasher hasher;
    private final SessionLog sessions;
    private final SessionMetrics metrics;
    private final SessionRules rules;

    SessionResource(
            JsonWebToken jwt,
            CallerResolver callers,
            AccessLog accessLog,
            AuditLog audit,
            TokenHasher hasher,
            SessionLog sessions,
            SessionMetrics metrics,
            SessionsConfig config) {
        this.jwt = jwt;
        this.callers = callers;
        this.accessLog = accessLog;
        this.audit = audit;
        this.hasher = hasher;
        this.sessions = sessions;
        this.metrics = metrics;
        this.rules = new SessionRules(config.clockSkew(), config.connectionTail());
    }

    @POST
    @Blocking
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response report(SessionReport report) {
        Caller caller = callers.resolve(jwt);
        accessLog.caller(caller);
        SessionRules.requireShape(report);
        AuditRecord token = audit.byTokenHash(hasher.hash(report.token())).stream()
                .filter(r -> r.tenantId().equals(caller.tenant()) && r.subject().equals(caller.subject()))
                .findFirst()
                // the same answer for "no such token" and "not yours": no probing other users' tokens
                .orElseThrow(() -> ProblemException.builder(
                                ProblemType.NOT_FOUND, "No token with this value was issued to you.")
                        .field("token")
                        .build());
        ReportedSession s = rules.accept(report, token, Instant.now());
        if (sessions.insert(s)) {
            metrics.reported(s.tenantId(), s.closeCode(), s.minutes());
        }
        return Response.accepted().build();
    }
}
