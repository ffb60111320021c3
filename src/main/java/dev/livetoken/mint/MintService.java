package dev.livetoken.mint;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import dev.livetoken.audit.AuditLog;
import dev.livetoken.audit.AuditRecord;
import dev.livetoken.audit.ConversationLink;
import dev.livetoken.audit.TokenHasher;
import dev.livetoken.auth.Caller;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.ops.MintMetrics;
import dev.livetoken.policy.EffectivePolicy;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.Store;
import dev.livetoken.upstream.AuthTokenSpec;
import dev.livetoken.upstream.LiveSetup;
import dev.livetoken.upstream.ModelNames;
import dev.livetoken.upstream.UpstreamFacade;

/**
 * The mint flow: policy (cached) → plan → reserve limits → upstream → audit → answer. Limits are
 * reserved before the upstream is asked and given back if it fails; the audit record is committed
 * before the token is returned, and if it cannot be, the caller gets a 503 and no token.
 * <p>
 * Nothing returned is lost, and nothing reserved leaks: the flow runs to its end even when the
 * caller hangs up or is answered 503 because the store ran past the mint's budget
 * ({@link CallerLine}). A mint whose caller is gone before Google is asked gives its reservation
 * back; one whose caller leaves later completes, is recorded as {@code discarded}, keeps its
 * reservation and is counted in {@code livetoken_mints_abandoned_total}.
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
    private final UpstreamFacade upstream;
    private final Store store;
    private final MintMetrics metrics;
    private final Vertx vertx;
    private final Clock clock = Clock.systemUTC();

    MintService(
            PolicyService policies,
            MintPlanner planner,
            UsageLimiter limiter,
            AuditLog audit,
            TokenHasher hasher,
            UpstreamFacade upstream,
            Store store,
            MintMetrics metrics,
            Vertx vertx) {
        this.metrics = metrics;
        this.vertx = vertx;
        this.policies = policies;
        this.planner = planner;
        this.limiter = limiter;
        this.audit = audit;
        this.hasher = hasher;
        this.upstream = upstream;
        this.store = store;
    }

    public Uni<MintResponse> mint(Caller caller, MintRequest request, String requestId) {
        return mint(caller, request, requestId, null);
    }

    /**
     * Renews a token ({@code POST /v1/tokens/renew}): the full mint flow (policy, blocks, ceilings,
     * every reservation) for a token with the renewed one's constraints; refused with 403 naming the
     * field when the policy no longer gives them. The new record links to the old one.
     */
    public Uni<MintResponse> renew(Caller caller, Renewal renewal, String requestId) {
        return mint(caller, renewal.request(caller), requestId, renewal);
    }

    private Uni<MintResponse> mint(Caller caller, MintRequest request, String requestId, Renewal renewal) {
        // The request's Vert.x context carries its MDC (request id); every hop returns to it.
        Context ctx = Vertx.currentContext();
        return Uni.createFrom().deferred(() -> {
            CallerLine<MintResponse> line =
                    new CallerLine<>(vertx, store.config().mintBudget());
            // The mint runs detached from the caller's subscription: a caller that hangs up cancels
            // only what it hears, never a mint halfway between its reservation and its audit record.
            run(ctx, line, caller, request, requestId, renewal)
                    .subscribe()
                    .with(minted -> handOver(line, minted, requestId), failure -> {
                        if (!line.fail(failure) && !(failure instanceof CallerGone)) {
                            LOG.infof(
                                    "Mint of request %s ended in %s after its caller had been answered or had "
                                            + "hung up; nothing was kept",
                                    requestId, failure.getClass().getSimpleName());
                        }
                    });
            Uni<MintResponse> heard =
                    Uni.createFrom().completionStage(line.answer().copy());
            if (ctx != null) {
                heard = heard.emitOn(backTo(ctx));
            }
            return heard.onCancellation().invoke(line::hangUp);
        });
    }

    /** A token minted and recorded, ready to be handed over. */
    private record Minted(String tenant, MintResponse response, String tokenHash, String delivery) {
        @Override
        public String toString() {
            return "Minted[redacted]";
        }
    }

    /** The caller left before Google was asked, and its reservation was given back. */
    private static final class CallerGone extends RuntimeException {
        CallerGone() {
            super("caller gone", null, false, false);
        }
    }

    private Uni<Minted> run(
            Context ctx,
            CallerLine<MintResponse> line,
            Caller caller,
            MintRequest request,
            String requestId,
            Renewal renewal) {
        // On a cache miss the policy is read from the store: that counts against the store budget too.
        Uni<EffectivePolicy> policy =
                line.onStoreBudget(policies.effective(caller.tenant())).emitOn(backTo(ctx));
        return policy.chain(effective -> {
            MintPlan plan = planner.plan(caller, effective, request, clock.instant());
            if (renewal != null) {
                renewal.requireSameConstraints(plan);
            }
            UsageLimiter.Charge charge = new UsageLimiter.Charge(plan.worstCase(), plan.expireTime());
            return line.onStoreBudget(fromStore(
                            ctx,
                            limiter.reserveGrouped(
                                    plan.tenant(), plan.subject(), effective.policy(), charge, plan.serverTime())))
                    .chain(reservation -> line.closed()
                            ? giveBack(ctx, plan, reservation)
                            : upstream.create(spec(plan))
                                    .onFailure()
                                    .call(() -> fromStore(ctx, release(plan, reservation)))
                                    .chain(minted -> line.onStoreBudget(record(
                                            ctx,
                                            plan,
                                            minted.name(),
                                            requestId,
                                            reservation,
                                            line,
                                            renewal == null
                                                    ? null
                                                    : renewal.parent().id()))));
        });
    }

    /**
     * Nobody is waiting any more (hung up, or answered 503 while the reservation was slow) and Google
     * has not been asked: give the reservation back rather than mint a token nobody will get.
     */
    private Uni<Minted> giveBack(Context ctx, MintPlan plan, UsageLimiter.Reservation reservation) {
        return fromStore(ctx, release(plan, reservation)).map(v -> {
            metrics.mintAbandoned(plan.tenant(), "released");
            throw new CallerGone();
        });
    }

    private CompletionStage<Void> release(MintPlan plan, UsageLimiter.Reservation reservation) {
        return limiter.releaseGrouped(plan.tenant(), plan.subject(), reservation);
    }

    /**
     * Hands the token to the caller. If the line closed meanwhile, the token is discarded: it stays
     * recorded and counted (it exists at Google and was paid for by the reservation), and its record
     * says it was never sent.
     */
    private void handOver(CallerLine<MintResponse> line, Minted minted, String requestId) {
        if (line.deliver(minted.response())) {
            return;
        }
        metrics.mintAbandoned(minted.tenant(), AuditRecord.DISCARDED);
        if (AuditRecord.RETURNED.equals(minted.delivery())) {
            store.executor().execute(() -> {
                try {
                    audit.markDiscarded(minted.tokenHash());
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "Could not mark the audit record of request %s as discarded (%s)",
                            requestId, e.getClass().getSimpleName());
                }
            });
        }
        LOG.infof("Caller of request %s was gone when its token was ready; token discarded, record kept", requestId);
    }

    /**
     * Commits the token's audit record (grouped with other mints' store work) and only then lets the
     * token go. Fail closed: if the record cannot be committed, the reservation is given back and
     * the caller gets a 503 and no token.
     */
    private Uni<Minted> record(
            Context ctx,
            MintPlan plan,
            String token,
            String requestId,
            UsageLimiter.Reservation reservation,
            CallerLine<?> line,
            Long renewedFrom) {
        String hash = hasher.hash(token);
        String delivery = line.closed() ? AuditRecord.DISCARDED : AuditRecord.RETURNED;
        AuditRecord record = new AuditRecord(
                null,
                plan.tenant(),
                plan.subject(),
                plan.actor(),
                plan.serverTime(),
                plan.model(),
                plan.locked(),
                plan.locked() ? plan.translation().targetLanguageCode() : null,
                plan.locked() ? plan.translation().echoTargetLanguage() : null,
                plan.uses(),
                plan.expireTime(),
                plan.newSessionExpireTime(),
                plan.policyTenant(),
                plan.policyVersion(),
                requestId == null ? "-" : requestId,
                hash,
                delivery,
                reservation.sessionMinutes());
        // A renewal's record links to its parent in the same insert.
        return fromStore(
                        ctx, renewedFrom == null ? audit.writeGrouped(record) : audit.writeGrouped(record, renewedFrom))
                .map(v -> {
                    // Charged and kept: the token exists at Google whether or not its caller is still there.
                    metrics.sessionMinutesCharged(plan.tenant(), reservation.sessionMinutes());
                    return new Minted(plan.tenant(), answer(plan, token), hash, delivery);
                })
                .onFailure()
                .recoverWithUni(e -> {
                    // A token without its audit record must not leave the service.
                    LOG.errorf(
                            "Audit write failed (%s); the minted token is withheld",
                            e.getClass().getSimpleName());
                    metrics.auditFailed();
                    return fromStore(ctx, release(plan, reservation)).map(v -> {
                        throw ProblemException.builder(
                                        ProblemType.AUDIT_UNAVAILABLE,
                                        "The audit trail cannot be written right now, so no token was issued; try again shortly.")
                                .retryAfter(Duration.ofSeconds(5))
                                .build();
                    });
                });
    }

    /**
     * Mints a conversation's tokens as one ({@code POST /v1/conversations}, docs/conversations.md):
     * all or nothing. Every token is planned and reserved first (a refusal of any gives back the
     * reservations already taken, before Google is asked); then each is minted; if one cannot be,
     * every reservation is given back and the tokens already minted are recorded as
     * {@code discarded}. Every audit record carries {@code conversationId}. Hang-ups and store
     * stalls are handled as for a single mint ({@link CallerLine}).
     *
     * @param orders turns the caller's effective policy into the tokens to mint (throws a problem to refuse)
     */
    public Uni<List<MintResponse>> mintTogether(
            Caller caller,
            Function<EffectivePolicy, List<TokenOrder>> orders,
            ConversationLink conversation,
            String requestId) {
        return mintTogether(caller, orders, conversation, null, requestId);
    }

    /**
     * Renews a conversation's token ({@code POST /v1/tokens/renew} for a token of
     * {@code POST /v1/conversations}): the conversation's flow for the one token {@code order} picks
     * from today's policy, so it gets the conversation's checks (both languages, interpreter mode
     * and its ceilings) and the single mint's admission; its record joins the conversation and
     * links to the record it renews.
     */
    public Uni<MintResponse> renewInConversation(
            Caller caller, Renewal renewal, Function<EffectivePolicy, TokenOrder> order, String requestId) {
        return mintTogether(
                        caller,
                        effective -> List.of(order.apply(effective)),
                        renewal.conversation(),
                        renewal.parent().id(),
                        requestId)
                .map(tokens -> tokens.get(0));
    }

    private Uni<List<MintResponse>> mintTogether(
            Caller caller,
            Function<EffectivePolicy, List<TokenOrder>> orders,
            ConversationLink conversation,
            Long renewedFrom,
            String requestId) {
        Context ctx = Vertx.currentContext();
        return Uni.createFrom().deferred(() -> {
            CallerLine<List<MintResponse>> line =
                    new CallerLine<>(vertx, store.config().mintBudget());
            runTogether(ctx, line, caller, orders, new Together(conversation, renewedFrom), requestId)
                    .subscribe()
                    .with(minted -> handOverTogether(line, minted, requestId), failure -> {
                        if (!line.fail(failure) && !(failure instanceof CallerGone)) {
                            LOG.infof(
                                    "Conversation mint of request %s ended in %s after its caller had been answered "
                                            + "or had hung up; nothing was kept",
                                    requestId, failure.getClass().getSimpleName());
                        }
                    });
            Uni<List<MintResponse>> heard =
                    Uni.createFrom().completionStage(line.answer().copy());
            if (ctx != null) {
                heard = heard.emitOn(task -> ctx.runOnContext(v -> task.run()));
            }
            return heard.onCancellation().invoke(line::hangUp);
        });
    }

    /** What every record of one conversation mint carries: the conversation, and the record a renewal replaces. */
    private record Together(ConversationLink conversation, Long renewedFrom) {}

    private Uni<List<Minted>> runTogether(
            Context ctx,
            CallerLine<List<MintResponse>> line,
            Caller caller,
            Function<EffectivePolicy, List<TokenOrder>> planner,
            Together together,
            String requestId) {
        Uni<EffectivePolicy> policy = line.onStoreBudget(policies.effective(caller.tenant()));
        if (ctx != null) {
            policy = policy.emitOn(task -> ctx.runOnContext(v -> task.run()));
        }
        return policy.chain(effective -> {
            List<TokenOrder> orders = planner.apply(effective);
            return line.onStoreBudget(blocking(ctx, () -> reserveAll(orders, effective)))
                    .chain(reservations -> {
                        if (line.closed()) {
                            return blocking(ctx, () -> {
                                reservations.forEach(limiter::release);
                                metrics.mintAbandoned(caller.tenant(), "released");
                                throw new CallerGone();
                            });
                        }
                        return mintEach(ctx, orders, reservations, together, requestId, 0, new ArrayList<>())
                                .chain(names -> line.onStoreBudget(blocking(
                                        ctx, () -> recordAll(orders, names, reservations, together, requestId, line))));
                    });
        });
    }

    /** Every order's reservation, or none: a refusal gives back what was already taken. */
    private List<UsageLimiter.Reservation> reserveAll(List<TokenOrder> orders, EffectivePolicy effective) {
        List<UsageLimiter.Reservation> taken = new ArrayList<>(orders.size());
        try {
            for (TokenOrder o : orders) {
                MintPlan plan = o.plan();
                taken.add(limiter.reserve(
                        plan.tenant(),
                        plan.subject(),
                        effective.policy(),
                        new UsageLimiter.Charge(plan.worstCase(), plan.expireTime()),
                        plan.serverTime()));
            }
            return taken;
        } catch (RuntimeException e) {
            taken.forEach(limiter::release);
            throw e;
        }
    }

    /** Asks Google for each token in turn; on a failure, gives everything back and records what exists as discarded. */
    private Uni<List<String>> mintEach(
            Context ctx,
            List<TokenOrder> orders,
            List<UsageLimiter.Reservation> reservations,
            Together together,
            String requestId,
            int index,
            List<String> names) {
        if (index == orders.size()) {
            return Uni.createFrom().item(names);
        }
        return upstream.create(orders.get(index).spec())
                .onFailure()
                .call(() -> blocking(ctx, () -> {
                    reservations.forEach(limiter::release);
                    for (int i = 0; i < names.size(); i++) {
                        // minted at Google but never to be handed out: recorded, marked as never sent
                        writeRecord(
                                orders.get(i),
                                hasher.hash(names.get(i)),
                                requestId,
                                together,
                                reservations.get(i),
                                AuditRecord.DISCARDED);
                        metrics.mintAbandoned(orders.get(i).plan().tenant(), AuditRecord.DISCARDED);
                    }
                    return null;
                }))
                .chain(minted -> {
                    names.add(minted.name());
                    return mintEach(ctx, orders, reservations, together, requestId, index + 1, names);
                });
    }

    private List<Minted> recordAll(
            List<TokenOrder> orders,
            List<String> names,
            List<UsageLimiter.Reservation> reservations,
            Together together,
            String requestId,
            CallerLine<?> line) {
        String delivery = line.closed() ? AuditRecord.DISCARDED : AuditRecord.RETURNED;
        List<Minted> out = new ArrayList<>(orders.size());
        List<String> written = new ArrayList<>();
        try {
            for (int i = 0; i < orders.size(); i++) {
                String hash = hasher.hash(names.get(i));
                writeRecord(orders.get(i), hash, requestId, together, reservations.get(i), delivery);
                written.add(hash);
                out.add(new Minted(orders.get(i).plan().tenant(), answer(orders.get(i), names.get(i)), hash, delivery));
            }
            for (int i = 0; i < orders.size(); i++) {
                // Charged and kept, as for a single mint: the tokens exist at Google.
                metrics.sessionMinutesCharged(
                        orders.get(i).plan().tenant(), reservations.get(i).sessionMinutes());
            }
            return out;
        } catch (RuntimeException e) {
            // Fail closed, all or nothing: no token leaves, every reservation goes back.
            LOG.errorf(
                    "Audit write failed (%s); the conversation's tokens are withheld",
                    e.getClass().getSimpleName());
            metrics.auditFailed();
            reservations.forEach(limiter::release);
            for (String hash : written) {
                try {
                    audit.markDiscarded(hash);
                } catch (RuntimeException again) {
                    LOG.warnf(
                            "Could not mark a withheld conversation token as discarded (%s)",
                            again.getClass().getSimpleName());
                }
            }
            throw ProblemException.builder(
                            ProblemType.AUDIT_UNAVAILABLE,
                            "The audit trail cannot be written right now, so no token was issued; try again shortly.")
                    .retryAfter(Duration.ofSeconds(5))
                    .build();
        }
    }

    private void writeRecord(
            TokenOrder order,
            String hash,
            String requestId,
            Together together,
            UsageLimiter.Reservation reservation,
            String delivery) {
        MintPlan plan = order.plan();
        audit.write(
                new AuditRecord(
                        null,
                        plan.tenant(),
                        plan.subject(),
                        plan.actor(),
                        plan.serverTime(),
                        plan.model(),
                        order.locked(),
                        plan.locked() ? plan.translation().targetLanguageCode() : null,
                        plan.locked() ? plan.translation().echoTargetLanguage() : null,
                        plan.uses(),
                        plan.expireTime(),
                        plan.newSessionExpireTime(),
                        plan.policyTenant(),
                        plan.policyVersion(),
                        requestId == null ? "-" : requestId,
                        hash,
                        delivery,
                        reservation.sessionMinutes()),
                together.renewedFrom(),
                together.conversation());
    }

    /** As {@link #handOver}, for all of a conversation's tokens at once. */
    private void handOverTogether(CallerLine<List<MintResponse>> line, List<Minted> minted, String requestId) {
        if (line.deliver(minted.stream().map(Minted::response).toList())) {
            return;
        }
        for (Minted m : minted) {
            metrics.mintAbandoned(m.tenant(), AuditRecord.DISCARDED);
        }
        store.executor().execute(() -> {
            for (Minted m : minted) {
                if (!AuditRecord.RETURNED.equals(m.delivery())) {
                    continue;
                }
                try {
                    audit.markDiscarded(m.tokenHash());
                } catch (RuntimeException e) {
                    LOG.warnf(
                            "Could not mark an audit record of request %s as discarded (%s)",
                            requestId, e.getClass().getSimpleName());
                }
            }
        });
        LOG.infof(
                "Caller of request %s was gone when its conversation was ready; tokens discarded, records kept",
                requestId);
    }

    private MintResponse answer(TokenOrder order, String token) {
        MintResponse plain = answer(order.plan(), token);
        return new MintResponse(
                plain.token(),
                plain.expireTime(),
                plain.newSessionExpireTime(),
                plain.expiresInSeconds(),
                plain.serverTime(),
                plain.uses(),
                plain.model(),
                plain.apiVersion(),
                plain.websocketUrl(),
                order.locked(),
                plain.translationConfig(),
                plain.worstCaseSessionMinutes());
    }

    /**
     * Runs blocking JDBC work of a conversation mint off the event loop, on the store's executor,
     * and continues on the request's context (the executor rule in {@link Store}'s Javadoc).
     */
    private <T> Uni<T> blocking(Context ctx, Supplier<T> work) {
        // The executor rule (Store's Javadoc): JDBC on the store's executor, then back to the request's event loop.
        return Uni.createFrom().item(work).runSubscriptionOn(store.executor()).emitOn(backTo(ctx));
    }

    /**
     * A store result, continued on the request's event loop (the executor rule in {@link Store}'s
     * Javadoc): the store completes it on one of its own threads, which must not run our code.
     */
    private <T> Uni<T> fromStore(Context ctx, CompletionStage<T> stage) {
        return Uni.createFrom().completionStage(stage).emitOn(backTo(ctx));
    }

    /**
     * Runs a continuation on the request's context: inline when already on it (no re-dispatch), else
     * with one {@code runOnContext}. Without a request context (a direct call), on the store's
     * virtual threads, never on a group-commit writer.
     */
    private Executor backTo(Context ctx) {
        if (ctx == null) {
            return store.executor();
        }
        return task -> {
            if (Vertx.currentContext() == ctx) {
                task.run();
            } else {
                ctx.runOnContext(v -> task.run());
            }
        };
    }

    /** The field mask the token minted for this plan would carry (what {@code simulate} shows). */
    public String fieldMask(MintPlan plan) {
        return upstream.fieldMask(spec(plan));
    }

    /** The field mask a conversation's token would carry (what {@code simulate} shows). */
    public String fieldMask(TokenOrder order) {
        return upstream.fieldMask(order.spec());
    }

    /** The upstream request for a plan: the same call an SDK user would make by hand. */
    static AuthTokenSpec spec(MintPlan plan) {
        LiveSetup setup = new LiveSetup(plan.model(), RESPONSE_MODALITIES, plan.translation(), true, true);
        return new AuthTokenSpec(plan.uses(), plan.expireTime(), plan.newSessionExpireTime(), setup, ALWAYS_LOCKED);
    }

    private MintResponse answer(MintPlan plan, String token) {
        long expiresIn = Duration.between(plan.serverTime(), plan.expireTime()).toSeconds();
        return new MintResponse(
                token,
                ApiTimestamps.format(plan.expireTime()),
                ApiTimestamps.format(plan.newSessionExpireTime()),
                expiresIn,
                ApiTimestamps.format(plan.serverTime()),
                plan.uses(),
                ModelNames.qualified(plan.model()),
                "v1alpha",
                upstream.websocketUrl(),
                plan.locked(),
                plan.translation(),
                plan.worstCase().minutes());
    }
}
