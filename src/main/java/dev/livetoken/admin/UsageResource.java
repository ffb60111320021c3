package dev.livetoken.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.Authenticated;

import dev.livetoken.limits.LimitView;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.PolicyService;

/** {@code GET /admin/v1/tenants/{tenantId}/usage}: today's counters against the tenant's limits. */
@Path("/admin/v1/tenants/{tenantId}/usage")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    /** Mints of one user today. */
    public record UserUsage(String subject, long usedToday) {}

    /** A tenant's usage; {@code limits} are the tenant-wide ones, or one user's if {@code subject} was given. */
    public record Usage(
            String tenantId,
            String policySource,
            long policyVersion,
            LocalDate day,
            String subject,
            List<LimitView> limits,
            List<UserUsage> users) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyService policies;
    private final UsageLimiter limiter;

    UsageResource(JsonWebToken jwt, AdminAccess access, PolicyService policies, UsageLimiter limiter) {
        this.jwt = jwt;
        this.access = access;
        this.policies = policies;
        this.limiter = limiter;
    }

    @GET
    public Usage usage(@PathParam("tenantId") String tenant, @QueryParam("subject") String subject) {
        access.forTenant(jwt, tenant);
        EffectivePolicy e = policies.effective(tenant).await().atMost(Duration.ofSeconds(10));
        Instant now = Instant.now();
        List<LimitView> limits =
                LimitView.of(limiter.usage(tenant, subject == null ? "" : subject, e.policy(), now)).stream()
                        .filter(l -> subject != null || l.scope().startsWith("tenant-"))
                        .toList();
        List<UserUsage> users = subject != null
                ? List.of()
                : limiter.usersToday(tenant, now, 100).stream()
                        .map(u -> new UserUsage(u.getKey(), u.getValue()))
                        .toList();
        return new Usage(
                tenant,
                e.source(),
                e.policy().version(),
                LocalDate.ofInstant(now, ZoneOffset.UTC),
                subject,
                limits,
                users);
    }
}
