package dev.livetoken.doctor;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;
import io.smallrye.common.annotation.Blocking;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * {@code POST /v1/tokens/diagnose}: why a Live API connection failed, from the token's audit record
 * and the close the client saw. The token travels in the body only and is never logged or echoed;
 * the record is found by the token's keyed hash.
 */
@Path("/v1/tokens/diagnose")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TokenDoctorResource {

    /** The token, and the close the client saw (both optional). */
    public record DiagnoseRequest(String token, Integer closeCode, String closeReason) {}

    private final JsonWebToken jwt;
    private final CallerResolver callers;
    private final AuditLog audit;
    private final TokenHasher hasher;

    TokenDoctorResource(JsonWebToken jwt, CallerResolver callers, AuditLog audit, TokenHasher hasher) {
        this.jwt = jwt;
        this.callers = callers;
        this.audit = audit;
        this.hasher = hasher;
    }

    @POST
    @Blocking
    public TokenDoctor.Diagnosis diagnose(DiagnoseRequest body) {
        Caller c = callers.resolve(jwt);
        if (body == null || body.token() == null || !body.token().startsWith("auth_tokens/")) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'token' must be an auth_tokens/… token.")
                    .field("token")
                    .build();
        }
        if (body.closeCode() != null && (body.closeCode() < 1000 || body.closeCode() > 4999)) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST, "'closeCode' must be a WebSocket close code (1000-4999).")
                    .field("closeCode")
                    .build();
        }
        List<AuditRecord> found = audit.byTokenHash(hasher.hash(body.token())).stream()
                .filter(r -> mayDiagnose(c, r))
                .toList();
        if (found.isEmpty()) {
            // the same answer for "no such token" and "not yours": no probing other users' tokens
            throw ProblemException.of(ProblemType.NOT_FOUND, "No token with this value was issued to you.");
        }
        return TokenDoctor.diagnose(found.get(0), body.closeCode(), body.closeReason(), Instant.now());
    }

    /** Its own tokens (minted for it or by it); admins: any token of the tenants they administer. */
    static boolean mayDiagnose(Caller c, AuditRecord r) {
        if (c.isPlatformAdmin()) {
            return true;
        }
        if (!r.tenantId().equals(c.tenant())) {
            return false;
        }
        return c.isTenantAdmin() || r.subject().equals(c.subject()) || r.actor().equals(c.subject());
    }
}
