package dev.livetoken.mint;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.ops.MintMetrics;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.Store;
import dev.livetoken.upstream.AuthTokenBodies;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.LiveSetup;
import dev.livetoken.upstream.UpstreamTokens;
import dev.livetoken.policy.EffectivePolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The mint flow: policy (cached) → plan → reserve limits → upstream → audit → answer. Limits are
 * reserved before the upstream is asked and given back if it fails; the audit record is committed
 * before the token is returned, and if it cannot be, the caller gets a 503 and no token.
 */
@ApplicationScoped
public class MintService {

    private static final Logger LOG = Logger.getLogger(MintService.class);

    /**
     * Always locked on top of the constrained fields: a device must not add tools or a system
     * instruction to a translate session on our bill (locked as empty through the mask).
     */
    static final List<String> ALWAYS_LOCKED = List.of("tools", "systemInstruction");
    static final List<String> RESPONSE_MODALITIES = List.of("AUDIO");

    private final PolicyService policies;
    private final MintPlanner planner;
    private final UsageLimiter limiter;
    private final AuditLog audit;
    private final TokenHasher hasher;
    private final UpstreamTokens upstream;
    private final Store store;
    private final MintMetrics metrics;
    private final Clock clock = Clock.systemUTC();

    MintService(PolicyService policies, MintPlanner planner, UsageLimiter limiter, AuditLog audit, TokenHasher hasher,
            UpstreamTokens upstream, Store store, MintMetrics metrics) {
        this.metrics = metrics;
        this.policies = policies;
        this.planner = planner;
        this.limiter = limiter;
        this.audit = audit;
        this.hasher = hasher;
        this.upstream = upstream;
        this.store = store;
    }

    public Uni<MintResponse> mint(Caller caller, MintRequest request, String requestId) {
        // The request's Vert.x context carries its MDC (request id); every hop returns to it.
        Context ctx = Vertx.currentContext();
        Uni<EffectivePolicy> policy = policies.effective(caller.tenant());
        if (ctx != null) {
            policy = policy.emitOn(task -> ctx.runOnContext(v -> task.run()));
        }
        return policy.chain(effective -> {
            MintPlan plan = planner.plan(caller, effective, request, clock.instant());
            return blocking(ctx, () -> limiter.reserve(plan.tenant(), plan.subject(), effective.policy(), plan.serverTime()))
                    .onFailure(ProblemException.class).invoke(e -> {
                        String scope = ((ProblemException) e).limitScope();
                        if (scope != null) {
                            metrics.limitRefused(plan.tenant(), scope);
                        }
                    })
                    .chain(reservation -> upstream.create(spec(plan))
                            .onFailure().call(() -> blocking(ctx, () -> {
                                limiter.release(reservation);
                                return null;
                            }))
                            .chain(minted -> blocking(ctx, () -> {
                                record(plan, minted.name(), requestId, reservation);
                                return answer(plan, minted.name());
                            })));
        });
    }

    private void record(MintPlan plan, String token, String requestId, UsageLimiter.Reservation reservation) {
        try {
            audit.write(new AuditRecord(null, plan.tenant(), plan.subject(), plan.actor(), plan.serverTime(),
                    plan.model(), plan.locked(),
                    plan.locked() ? plan.translation().targetLanguageCode() : null,
                    plan.locked() ? plan.translation().echoTargetLanguage() : null,
                    plan.uses(), plan.expireTime(), plan.newSessionExpireTime(), plan.policyTenant(),
                    plan.policyVersion(), requestId == null ? "-" : requestId, hasher.hash(token)));
        } catch (RuntimeException e) {
            // Fail closed: a token without its audit record must not leave the service.
            LOG.errorf("Audit write failed (%s); the minted token is withheld", e.getClass().getSimpleName());
            metrics.auditFailed();
            limiter.release(reservation);
            throw ProblemException.builder(ProblemType.AUDIT_UNAVAILABLE,
                    "The audit trail cannot be written right now, so no token was issued; try again shortly.")
                    .retryAfter(Duration.ofSeconds(5)).build();
        }
    }

    /**
     * Runs JDBC work off the event loop: on a worker of the request's own Vert.x context when there
     * is one (so its MDC follows, and the result comes back to its event loop), else on the store's
     * executor.
     */
    private <T> Uni<T> blocking(Context ctx, Supplier<T> work) {
        if (ctx == null) {
            return Uni.createFrom().item(work).runSubscriptionOn(store.executor());
        }
        return Uni.createFrom().completionStage(() -> ctx.executeBlocking(work::get, false).toCompletionStage());
    }

    /** The upstream request for a plan: the same call an SDK user would make by hand. */
    public static AuthTokenSpec spec(MintPlan plan) {
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
