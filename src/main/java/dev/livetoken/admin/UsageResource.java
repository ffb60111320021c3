package dev.livetoken.admin;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import dev.livetoken.sessions.SessionLog;

/** {@code GET /admin/v1/tenants/{tenantId}/usage}: today's counters against the tenant's limits. */
@Path("/admin/v1/tenants/{tenantId}/usage")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class UsageResource {

    /**
     * One user's day: mints today, the worst-case session-minutes they were charged today, and
     * {@code sessionMinutesReported}: wall-clock minutes of the sessions the user's devices reported
     * as ended today (POST /v1/sessions).
     */
    public record UserUsage(
            String subject, long usedToday, long sessionMinutesCharged, double sessionMinutesReported) {}

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
            long sessionMinutesCharged,
            double sessionMinutesReported) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyService policies;
    private final UsageLimiter limiter;
    private final SessionLog sessions;

    UsageResource(
            JsonWebToken jwt, AdminAccess access, PolicyService policies, UsageLimiter limiter, SessionLog sessions) {
        this.sessions = sessions;
        this.jwt = jwt;
        this.access = access;
        this.policies = policies;
        this.limiter = limiter;
    }

    @GET
    public Usage usage(@PathParam("tenantId") String tenant, @QueryParam("subject") String subject) {
        access.forTenant(jwt, tenant);
        PageQuery.checkSubject(subject);
        EffectivePolicy e = policies.effective(tenant).await().atMost(Duration.ofSeconds(10));
        Instant now = Instant.now();
        String who = subject == null ? "" : subject;
        List<LimitView> limits = java.util.stream.Stream.concat(
                        LimitView.of(limiter.usage(tenant, who, e.policy(), now)).stream(),
                        LimitView.of(limiter.sessionUsage(tenant, who, e.policy(), now)).stream())
                .filter(l -> subject != null || l.scope().startsWith("tenant-"))
                .toList();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant dayEnd = dayStart.plus(Duration.ofDays(1));
        List<UserUsage> users = subject != null ? List.of() : users(tenant, now, dayStart, dayEnd);
        return new Usage(
                tenant,
                e.source(),
                e.policy().version(),
                day,
                subject,
                limits,
                users,
                limiter.tenantMinutesToday(tenant, now),
                rounded(sessions.minutes(tenant, subject, dayStart, dayEnd)));
    }

    /** Today's minters, then today's reporters without a mint today (their tokens were older). */
    private List<UserUsage> users(String tenant, Instant now, Instant dayStart, Instant dayEnd) {
        Map<String, Double> minutes = sessions.minutesBySubject(tenant, dayStart, dayEnd, 100);
        Map<String, UserUsage> users = new LinkedHashMap<>();
        for (var u : limiter.usersChargedToday(tenant, now, 100)) {
            users.put(
                    u.subject(),
                    new UserUsage(
                            u.subject(),
                            u.mints(),
                            u.sessionMinutesCharged(),
                            rounded(minutes.getOrDefault(u.subject(), 0.0))));
        }
        minutes.forEach((subject, m) -> users.putIfAbsent(subject, new UserUsage(subject, 0, 0, rounded(m))));
        return List.copyOf(users.values());
    }

    /** Minutes to the millisecond's thousandth: enough to see, stable to compare. */
    static double rounded(double minutes) {
        return Math.round(minutes * 1000) / 1000.0;
    }
}
