package dev.livetoken.admin;

import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/** {@code POST /admin/v1/token-lookup}: the audit record of a token an operator was shown. */
@Path("/admin/v1/token-lookup")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class TokenLookupResource {

    /** A token someone showed an operator; sent in a body so it never lands in an access log. */
    public record LookupRequest(String token) {}

    /** The records of a looked-up token (normally one). */
    public record LookupResult(List<AuditRecord> records) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final AuditLog audit;
    private final TokenHasher hasher;

    TokenLookupResource(JsonWebToken jwt, AdminAccess access, AuditLog audit, TokenHasher hasher) {
        this.jwt = jwt;
        this.access = access;
        this.audit = audit;
        this.hasher = hasher;
    }

    @POST
    public LookupResult lookup(LookupRequest body) {
        Caller c = access.admin(jwt);
        if (body == null || body.token() == null || !body.token().startsWith("auth_tokens/")) {
            throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'token' must be an auth_tokens/… token.")
                    .field("token")
                    .build();
        }
        List<AuditRecord> found = audit.byTokenHash(hasher.hash(body.token())).stream()
                .filter(r -> c.isPlatformAdmin() || r.tenantId().equals(c.tenant()))
                .toList();
        if (found.isEmpty()) {
            throw ProblemException.of(
                    ProblemType.NOT_FOUND, "No token with this value was issued to a tenant you administer.");
        }
        return new LookupResult(found);
    }
}
