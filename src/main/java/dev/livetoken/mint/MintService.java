package dev.livetoken.mint;

import dev.livetoken.auth.Caller;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.upstream.AuthTokenBodies;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.LiveSetup;
import dev.livetoken.upstream.UpstreamTokens;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The mint flow: policy, plan, upstream call, answer. */
@ApplicationScoped
public class MintService {

    /**
     * Always locked on top of the constrained fields: a device must not add tools or a system
     * instruction to a translate session on our bill (locked as empty through the mask).
     */
    static final List<String> ALWAYS_LOCKED = List.of("tools", "systemInstruction");
    static final List<String> RESPONSE_MODALITIES = List.of("AUDIO");

    private final PolicyService policies;
    private final MintPlanner planner;
    private final UpstreamTokens upstream;
    private final Clock clock;

    MintService(PolicyService policies, MintPlanner planner, UpstreamTokens upstream) {
        this.policies = policies;
        this.planner = planner;
        this.upstream = upstream;
        this.clock = Clock.systemUTC();
    }

    public Uni<MintResponse> mint(Caller caller, MintRequest request) {
        return policies.policyFor(caller.tenant())
                .map(policy -> planner.plan(caller, policy, request, clock.instant()))
                .chain(plan -> upstream.create(spec(plan)).map(minted -> answer(plan, minted.name())));
    }

    /** The upstream request for a plan: the same call an SDK user would make by hand. */
    static AuthTokenSpec spec(MintPlan plan) {
        LiveSetup setup = new LiveSetup(plan.model(), RESPONSE_MODALITIES, plan.translation(), true, true);
        return new AuthTokenSpec(plan.uses(), plan.expireTime(), plan.newSessionExpireTime(), setup, ALWAYS_LOCKED);
    }

    private MintResponse answer(MintPlan plan, String token) {
        long expiresIn = Duration.between(plan.serverTime(), plan.expireTime()).toSeconds();
        return new MintResponse(token,
                AuthTokenBodies.timestamp(plan.expireTime()),
                AuthTokenBodies.timestamp(plan.newSessionExpireTime()),
                expiresIn,
                AuthTokenBodies.timestamp(plan.serverTime()),
                plan.uses(),
                plan.model().startsWith("models/") ? plan.model() : "models/" + plan.model(),
                "v1alpha",
                upstream.websocketUrl(),
                plan.locked(),
                plan.translation());
    }
}
