package dev.livetoken.admin;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.jwt.JsonWebToken;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;

/**
 * Who may administer which tenant: a platform-admin every tenant (and the {@code default} policy), a
 * tenant-admin only its own.
 */
@ApplicationScoped
public class AdminAccess {

    private final CallerResolver callers;

    AdminAccess(CallerResolver callers) {
        this.callers = callers;
    }

    /** The admin caller, or 403 if the JWT carries neither admin role. */
    public Caller admin(JsonWebToken jwt) {
        Caller c = callers.resolve(jwt);
        if (!c.isPlatformAdmin() && !c.isTenantAdmin()) {
            throw ProblemException.of(
                    ProblemType.FORBIDDEN, "The admin API needs the tenant-admin or platform-admin role.");
        }
        return c;
    }

    /**
     * The admin caller, checked against the tenant named in the path. Tenant {@code default}, the
     * policy of every tenant without its own, is the platform's: no tenant-admin belongs to it.
     */
    public Caller forTenant(JsonWebToken jwt, String tenant) {
        Caller c = admin(jwt);
        requireValidTenantId(tenant);
        if (!c.isPlatformAdmin() && TokenPolicy.DEFAULT_TENANT.equals(tenant)) {
            throw ProblemException.of(
                    ProblemType.PLATFORM_RESERVED,
                    "The default policy, which every tenant without its own uses, is administered by platform-admins only.");
        }
        if (!c.isPlatformAdmin() && !c.tenant().equals(tenant)) {
            throw ProblemException.of(
                    ProblemType.FORBIDDEN, "A tenant-admin may administer only its own tenant ('" + c.tenant() + "').");
        }
        return c;
    }

    public static void requireValidTenantId(String tenant) {
        if (tenant == null || !CallerResolver.TENANT_ID.matcher(tenant).matches()) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "A tenant id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
                    .field("tenantId")
                    .build();
        }
        if (CallerResolver.isReservedTenant(tenant) && !TokenPolicy.DEFAULT_TENANT.equals(tenant)) {
            throw ProblemException.builder(
                            ProblemType.INVALID_REQUEST,
                            "'" + tenant
                                    + "' is reserved: nobody can belong to it. The default policy is tenant 'default'.")
                    .field("tenantId")
                    .build();
        }
    }
}
