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

    /** Mints of one user today, and the worst-case session-minutes they were charged. */
    public record UserUsage(String subject, long usedToday, long sessionMinutesCharged) {}

    /**
     * A tenant's usage; {@code limits} are the tenant-wide ones, or one user's if {@code subject} was
     * given; {@code sessionMinutesCharged} is the whole tenant's today.
     */
    public record Usage(
            String tenantId,
            String policySource,
            long policyVersion,
            LocalDate day,
            String subject,
            List<LimitView> limits,
            List<UserUsage> users,
            long sessionMinutesCharged) {}

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
        String who = subject == null ? "" : subject;
        List<LimitView> limits = java.util.stream.Stream.concat(
                        LimitView.of(limiter.usage(tenant, who, e.policy(), now)).stream(),
                        LimitView.of(limiter.sessionUsage(tenant, who, e.policy(), now)).stream())
                .filter(l -> subject != null || l.scope().startsWith("tenant-"))
                .toList();
        List<UserUsage> users = subject != null
                ? List.of()
                : limiter.usersChargedToday(tenant, now, 100).stream()
                        .map(u -> new UserUsage(u.subject(), u.mints(), u.sessionMinutesCharged()))
                        .toList();
        return new Usage(
                tenant,
                e.source(),
                e.policy().version(),
                LocalDate.ofInstant(now, ZoneOffset.UTC),
                subject,
                limits,
                users,
                limiter.tenantMinutesToday(tenant, now));
    }
}
