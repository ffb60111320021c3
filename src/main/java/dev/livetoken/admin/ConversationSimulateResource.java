package dev.livetoken.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.security.Authenticated;

import dev.livetoken.auth.Caller;
import dev.livetoken.auth.CallerResolver;
import dev.livetoken.limits.LimitView;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.mint.ConversationPlanner;
import dev.livetoken.mint.ConversationRequest;
import dev.livetoken.mint.MintPlan;
import dev.livetoken.mint.MintService;
import dev.livetoken.mint.TokenOrder;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.problem.Problem;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemResponses;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.LiveSetup;

/**
 * {@code POST /admin/v1/simulate/conversations}: what {@code POST /v1/conversations} would give a
 * caller with these claims (docs/conversations.md), token by token with the rules that decided each
 * part, and whether the limits have room for all of them. Mints nothing, spends nothing.
 */
@Path("/admin/v1/simulate/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class ConversationSimulateResource {

    /** Claims plus the conversation request to try. */
    public record Request(SimulateResource.Claims claims, ConversationRequest request) {}

    /** One token the conversation would get. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WouldMint(
            String subject,
            String model,
            boolean locked,
            LiveSetup.Translation translationConfig,
            String systemInstruction,
            int uses,
            long lifetimeSeconds,
            long newSessionWindowSeconds,
            String fieldMask,
            List<MintPlan.Decision> decisions) {}

    /** The verdict: every token, or the refusal; the limits, which must have room for every token. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Simulation(
            boolean allowed,
            String mode,
            List<WouldMint> tokens,
            Problem problem,
            List<LimitView> limits,
            String policyTenant,
            Long policyVersion,
            String policySource) {}

    private final JsonWebToken jwt;
    private final AdminAccess access;
    private final PolicyService policies;
    private final ConversationPlanner planner;
    private final UsageLimiter limiter;
    private final MintService mint;

    ConversationSimulateResource(
            JsonWebToken jwt,
            AdminAccess access,
            PolicyService policies,
            ConversationPlanner planner,
            UsageLimiter limiter,
            MintService mint) {
        this.jwt = jwt;
        this.access = access;
        this.policies = policies;
        this.planner = planner;
        this.limiter = limiter;
        this.mint = mint;
    }

    @POST
    public Simulation simulate(Request body) {
        SimulateResource.Claims claims = SimulateResource.Claims.required(body == null ? null : body.claims());
        String tenant = claims.tenant();
        access.forTenant(jwt, tenant);
        if (CallerResolver.isReservedTenant(tenant)) {
            return refused(
                    null,
                    ProblemException.of(
                            ProblemType.TENANT_CLAIM_MISSING,
                            "The JWT's tenant claim names the reserved tenant id 'default'."),
                    List.of(),
                    null);
        }
        Caller pretend = claims.caller();
        ConversationPlanner.Shape shape;
        EffectivePolicy effective = null;
        try {
            shape = planner.shape(body.request());
        } catch (ProblemException e) {
            return refused(null, e, List.of(), null);
        }
        List<TokenOrder> orders;
        try {
            effective = policies.effective(tenant).await().atMost(Duration.ofSeconds(10));
            orders = planner.plan(pretend, effective, body.request(), shape, Instant.now());
        } catch (ProblemException e) {
            return refused(shape.mode(), e, List.of(), effective);
        }
        MintPlan first = orders.get(0).plan();
        List<UsageLimiter.Counter> counters =
                limiter.usage(tenant, first.subject(), effective.policy(), first.serverTime());
        List<LimitView> limits = LimitView.of(counters);
        int n = orders.size();
        for (UsageLimiter.Counter c : counters) {
            if (c.limit() > 0 && c.used() + n > c.limit()) {
                boolean quota = c.scope().window.equals("day");
                // all or nothing: a conversation needs room for every one of its tokens
                return refused(
                        shape.mode(),
                        ProblemException.of(
                                quota ? ProblemType.QUOTA_EXCEEDED : ProblemType.RATE_LIMITED,
                                "The " + c.scope().label + " limit of " + c.limit()
                                        + " has " + Math.max(0, c.limit() - c.used())
                                        + " left, and this conversation needs "
                                        + n + " (all or nothing); it resets at " + c.resetsAt() + "."),
                        limits,
                        effective);
            }
        }
        List<WouldMint> tokens = orders.stream()
                .map(o -> new WouldMint(
                        o.plan().subject(),
                        o.plan().model(),
                        o.locked(),
                        o.plan().translation(),
                        o.setup().systemInstruction(),
                        o.plan().uses(),
                        Duration.between(o.plan().serverTime(), o.plan().expireTime())
                                .toSeconds(),
                        Duration.between(o.plan().serverTime(), o.plan().newSessionExpireTime())
                                .toSeconds(),
                        mint.fieldMask(o),
                        o.plan().decisions()))
                .toList();
        return new Simulation(
                true,
                shape.mode(),
                tokens,
                null,
                limits,
                effective.policy().tenantId(),
                effective.policy().version(),
                effective.source());
    }

    private static Simulation refused(String mode, ProblemException e, List<LimitView> limits, EffectivePolicy p) {
        return new Simulation(
                false,
                mode,
                null,
                ProblemResponses.body(e, "/v1/conversations", null),
                limits,
                p == null ? null : p.policy().tenantId(),
                p == null ? null : p.policy().version(),
                p == null ? null : p.source());
    }
}
