package dev.livetoken.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.security.Authenticated;

import dev.livetoken.auth.Caller;
import dev.livetoken.limits.LimitView;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.mint.MintPlan;
import dev.livetoken.mint.MintPlanner;
import dev.livetoken.mint.MintRequest;
import dev.livetoken.mint.MintService;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.problem.Problem;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemResponses;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.LiveSetup;

/**
 * {@code POST /admin/v1/simulate}: what a mint would give a caller with these claims, and which rule
 * decided each part, without minting, spending a limit or writing an audit record.
 */
@Path("/admin/v1/simulate")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class SimulateResource {

    /** The claims of the JWT to pretend. */
    public record Claims(String subject, String tenant, Set<String> groups) {

        /** {@code claims}, or the 400 naming the claim a simulation needs and lacks (subject, tenant). */
        static Claims required(Claims claims) {
            if (claims == null || claims.subject() == null || claims.subject().isBlank()) {
                throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'claims.subject' is required.")
                        .field("claims.subject")
                        .build();
            }
            if (claims.tenant() == null) {
                throw ProblemException.builder(ProblemType.INVALID_REQUEST, "'claims.tenant' is required.")
                        .field("claims.tenant")
                        .build();
            }
            return claims;
        }

        /** The caller a JWT with these claims would be. */
        Caller caller() {
            return new Caller(subject, tenant, groups == null ? Set.of() : groups);
        }
    }

    /** Claims plus the mint request body to try. */
    public record SimulateRequest(Claims claims, MintRequest request) {}

    /** What would be minted; {@code worstCaseSessionMinutes} is what it would be charged. */
    public record WouldMint(
            String subject,
            String model,
            boolean locked,
            LiveSetup.Translation translationConfig,
            int uses,
            long lifetimeSeconds,
            long newSessionWindowSeconds,
            String fieldMask,
            long worstCaseSessionMinutes) {}

    /** The verdict, the token or the refusal, the limits and the rules. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Simulation(
            boolean allowed,
            WouldMint token,
            Problem problem,
            List<LimitView> limits,
            List<MintPlan.Decision> decisions,
            String policyTenant,
            Long policyVersion,
            String policySource) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyService policies;
    private final MintPlanner planner;
    private final UsageLimiter limiter;
    private final MintService mint;

    SimulateResource(
            JsonWebToken jwt,
            AdminAccess access,
            PolicyService policies,
            MintPlanner planner,
            UsageLimiter limiter,
            MintService mint) {
        this.mint = mint;
        this.jwt = jwt;
        this.access = access;
        this.policies = policies;
        this.planner = planner;
        this.limiter = limiter;
    }

    @POST
    public Simulation simulate(SimulateRequest body) {
        Claims claims = Claims.required(body == null ? null : body.claims());
        String tenant = claims.tenant();
        access.forTenant(jwt, tenant);
        if (dev.livetoken.auth.CallerResolver.isReservedTenant(tenant)) {
            // what a real mint answers: nobody belongs to tenant 'default'
            return refused(
                    ProblemException.of(
                            ProblemType.TENANT_CLAIM_MISSING,
                            "The JWT's tenant claim names the reserved tenant id 'default'."),
                    List.of(),
                    null);
        }
        Caller pretend = claims.caller();
        EffectivePolicy effective;
        try {
            effective = policies.effective(tenant).await().atMost(Duration.ofSeconds(10));
        } catch (ProblemException e) {
            return refused(e, List.of(), null);
        }
        Instant now = Instant.now();
        MintPlan plan;
        try {
            plan = planner.plan(pretend, effective, body.request(), now);
        } catch (ProblemException e) {
            return refused(e, List.of(), effective);
        }
        List<UsageLimiter.Counter> counters = limiter.usage(tenant, plan.subject(), effective.policy(), now);
        List<UsageLimiter.Counter> sessions = limiter.sessionUsage(tenant, plan.subject(), effective.policy(), now);
        List<LimitView> limits = new java.util.ArrayList<>(LimitView.of(counters));
        limits.addAll(LimitView.of(sessions));
        List<MintPlan.Decision> decisions = new java.util.ArrayList<>(plan.decisions());
        ProblemException sessionRefusal = SessionVerdicts.judge(plan.worstCase(), sessions, decisions);
        if (SessionVerdicts.isCap(sessionRefusal)) {
            return refused(sessionRefusal, limits, effective, List.copyOf(decisions));
        }
        for (UsageLimiter.Counter c : counters) {
            if (c.limit() > 0 && c.used() >= c.limit()) {
                boolean quota = c.scope().window.equals("day");
                return refused(
                        ProblemException.builder(
                                        quota ? ProblemType.QUOTA_EXCEEDED : ProblemType.RATE_LIMITED,
                                        "The " + c.scope().label + " limit of " + c.limit() + " is used up until "
                                                + c.resetsAt() + ".")
                                .scope(c.scope().label)
                                .build(),
                        limits,
                        effective,
                        List.copyOf(decisions));
            }
        }
        if (sessionRefusal != null) {
            return refused(sessionRefusal, limits, effective, List.copyOf(decisions));
        }
        String mask = mint.fieldMask(plan);
        WouldMint token = new WouldMint(
                plan.subject(),
                plan.model(),
                plan.locked(),
                plan.translation(),
                plan.uses(),
                Duration.between(plan.serverTime(), plan.expireTime()).toSeconds(),
                Duration.between(plan.serverTime(), plan.newSessionExpireTime()).toSeconds(),
                mask,
                plan.worstCase().minutes());
        return new Simulation(
                true,
                token,
                null,
                limits,
                List.copyOf(decisions),
                effective.policy().tenantId(),
                effective.policy().version(),
                effective.source());
    }

    private static Simulation refused(ProblemException e, List<LimitView> limits, EffectivePolicy p) {
        return refused(e, limits, p, null);
    }

    private static Simulation refused(
            ProblemException e, List<LimitView> limits, EffectivePolicy p, List<MintPlan.Decision> decisions) {
        return new Simulation(
                false,
                null,
                ProblemResponses.body(e, "/v1/tokens", null),
                limits,
                decisions,
                p == null ? null : p.policy().tenantId(),
                p == null ? null : p.policy().version(),
                p == null ? null : p.source());
    }
}
