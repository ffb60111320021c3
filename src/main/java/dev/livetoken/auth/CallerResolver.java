package dev.livetoken.auth;

import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/** Turns a verified JWT into a {@link Caller}, refusing one that names no usable tenant. */
@ApplicationScoped
public class CallerResolver {

    /** Tenant ids end up in URLs, metrics and audit rows: keep them plain. */
    public static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String tenantClaim;
    private final long maxAgeSeconds;
    private final long skewSeconds;

    CallerResolver(
            AuthConfig config,
            @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60") long skewSeconds) {
        this.tenantClaim = config.tenantClaim();
        this.maxAgeSeconds = config.jwtMaxAge().toSeconds();
        this.skewSeconds = skewSeconds;
    }

    public Caller resolve(JsonWebToken jwt) {
        checkTimes(jwt.getIssuedAtTime(), jwt.getExpirationTime(), System.currentTimeMillis() / 1000);
        Object claim = jwt.getClaim(tenantClaim);
        String tenant = claim == null ? null : unquote(String.valueOf(claim));
        if (tenant == null || tenant.isBlank()) {
            throw ProblemException.of(
                    ProblemType.TENANT_CLAIM_MISSING, "The JWT has no '" + tenantClaim + "' claim naming your tenant.");
        }
        if (!TENANT_ID.matcher(tenant).matches()) {
            throw ProblemException.of(
                    ProblemType.TENANT_CLAIM_MISSING,
                    "The JWT's '" + tenantClaim + "' claim is not a valid tenant id.");
        }
        if (isReservedTenant(tenant)) {
            // 'default' names the platform's fallback policy; a member of it could administer that.
            throw ProblemException.of(
                    ProblemType.TENANT_CLAIM_MISSING,
                    "The JWT's '" + tenantClaim + "' claim names the reserved tenant id 'default'.");
        }
        String subject = jwt.getSubject();
        if (subject == null || subject.isBlank()) {
            // SmallRye falls back to upn/preferred_username; a JWT with none of them names nobody.
            throw ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "The JWT names no subject.");
        }
        if (!Subjects.isAcceptable(subject)) {
            // Subjects land in audit records, limits, blocks and logs: visible and addressable, or refused.
            throw ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "The JWT's subject " + Subjects.RULE + ".");
        }
        return new Caller(subject, tenant, jwt.getGroups());
    }

    /**
     * Tenant id {@code default} holds the platform's fallback policy: nobody belongs to it (nor to a
     * case variant of it, which would read the same to a human).
     */
    public static boolean isReservedTenant(String tenant) {
        return "default".equalsIgnoreCase(tenant);
    }

    /**
     * What SmallRye JWT does not check: it requires {@code iat} but accepts one in the future, and
     * bounds {@code exp} by nothing. A JWT issued in the future (beyond the clock skew) or valid for
     * longer than {@code livetoken.auth.jwt-max-age} is refused; with both, no JWT is usable more
     * than max-age + skew after it was made.
     */
    void checkTimes(long issuedAt, long expiresAt, long now) {
        if (issuedAt > now + skewSeconds) {
            throw ProblemException.of(ProblemType.AUTHENTICATION_REQUIRED, "The JWT is issued in the future ('iat').");
        }
        if (expiresAt - issuedAt > maxAgeSeconds) {
            throw ProblemException.of(
                    ProblemType.AUTHENTICATION_REQUIRED,
                    "The JWT is valid for longer than this service accepts ('exp' - 'iat' > " + maxAgeSeconds + " s).");
        }
    }

    private static String unquote(String s) {
        // JsonString claims print with their quotes.
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
