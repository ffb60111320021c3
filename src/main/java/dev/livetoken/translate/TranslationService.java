package dev.livetoken.translate;

import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.audit.TokenHasher;
import dev.livetoken.audit.TranslationAuditLog;
import dev.livetoken.audit.TranslationAuditRecord;
import dev.livetoken.auth.Caller;
import dev.livetoken.limits.UsageLimiter;
import dev.livetoken.ops.MintMetrics;
import dev.livetoken.policy.PolicyService;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.upstream.UpstreamConfig;
import dev.livetoken.upstream.UpstreamFacade;

/**
 * The pieces of a translation around the upstream stream: policy and plan (non-blocking, cached
 * policy), then the blocking store work — character reservation before the call, settlement and
 * the audit record after — which callers run on the store's threads ({@code Store#executor()}),
 * never on the event loop.
 */
@ApplicationScoped
public class TranslationService {

    /** How a translation that delivered something ended, as audited. */
    public static final String COMPLETED = "completed";

    public static final String UPSTREAM_FAILED = "upstream-failed";
    public static final String CLIENT_CLOSED = "client-closed";

    private static final Logger LOG = Logger.getLogger(TranslationService.class);

    private final PolicyService policies;
    private final TranslationPlanner planner;
    private final UsageLimiter limiter;
    private final TranslationAuditLog audit;
    private final TokenHasher hasher;
    private final UpstreamFacade upstreamBase;
    private final UpstreamConfig upstreamConfig;
    private final TranslateConfig config;
    private final MintMetrics metrics;
    private final Vertx vertx;
    private final Clock clock = Clock.systemUTC();
    private volatile GeminiTextStream upstream;

    TranslationService(
            PolicyService policies,
            TranslationPlanner planner,
            UsageLimiter limiter,
            TranslationAuditLog audit,
            TokenHasher hasher,
            UpstreamFacade upstreamBase,
            UpstreamConfig upstreamConfig,
            TranslateConfig config,
            MintMetrics metrics,
            Vertx vertx) {
        this.policies = policies;
        this.planner = planner;
        this.limiter = limiter;
        this.audit = audit;
        this.hasher = hasher;
        this.upstreamBase = upstreamBase;
        this.upstreamConfig = upstreamConfig;
        this.config = config;
        this.metrics = metrics;
        this.vertx = vertx;
    }

    /** The tenant's policy (cached) and the plan under it; a refusal fails the Uni with a problem. */
    public Uni<TranslationPlan> plan(Caller caller, TranslationRequest request) {
        return policies.effective(caller.tenant())
                .map(effective ->
                        planner.plan(caller, effective, request, clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    }

    /** Blocking. Takes the text's characters from the daily budgets, or refuses with a 429. */
    public UsageLimiter.CharacterReservation reserve(TranslationPlan plan) {
        return limiter.reserveCharacters(plan.tenant(), plan.subject(), plan.policy(), plan.characters(), plan.at());
    }

    /** Blocking. Keeps the reservation if anything was delivered, else gives it all back. */
    public void settle(UsageLimiter.CharacterReservation reservation, boolean delivered) {
        limiter.settleCharacters(reservation, delivered ? reservation.characters() : 0);
    }

    /**
     * Blocking. Writes the translation's audit record; if it cannot be written, gives the
     * reservation back and throws {@code 503 audit-unavailable}: an unaudited translation does not count
     * as delivered.
     */
    public void record(
            TranslationPlan plan,
            String outcome,
            int outputCharacters,
            GoogleSse.Usage usage,
            boolean streamed,
            String requestId,
            UsageLimiter.CharacterReservation reservation) {
        try {
            audit.write(new TranslationAuditRecord(
                    null,
                    plan.tenant(),
                    plan.subject(),
                    plan.at(),
                    plan.model(),
                    plan.source() == null ? null : plan.source().code(),
                    plan.target().code(),
                    plan.characters(),
                    outputCharacters,
                    usage == null ? null : usage.promptTokenCount(),
                    usage == null ? null : usage.candidatesTokenCount(),
                    outcome,
                    streamed,
                    plan.policy().tenantId(),
                    plan.policy().version(),
                    requestId == null ? "-" : requestId,
                    hasher.hash(plan.text())));
        } catch (RuntimeException e) {
            LOG.errorf(
                    "Translation audit write failed (%s); the translation is not counted as delivered",
                    e.getClass().getSimpleName());
            metrics.auditFailed();
            limiter.settleCharacters(reservation, 0);
            throw ProblemException.builder(
                            ProblemType.AUDIT_UNAVAILABLE,
                            "The audit trail cannot be written right now, so the translation was not completed; try again shortly.")
                    .retryAfter(Duration.ofSeconds(5))
                    .build();
        }
    }

    /** The upstream stream client, built on first use (in dev and test the upstream is this server). */
    public GeminiTextStream upstream() {
        GeminiTextStream u = upstream;
        if (u == null) {
            synchronized (this) {
                u = upstream;
                if (u == null) {
                    String key = upstreamConfig
                            .apiKey()
                            .filter(k -> !k.isBlank())
                            .orElseThrow(() -> ProblemException.of(
                                    ProblemType.UPSTREAM_UNAVAILABLE, "The service has no Gemini API key configured."));
                    u = new GeminiTextStream(
                            vertx,
                            upstreamBase.baseUrl(),
                            key,
                            upstreamConfig.connectTimeout(),
                            upstreamConfig.readTimeout(),
                            config.maxDuration(),
                            config.maxConnections(),
                            upstreamConfig.retryAfter());
                    upstream = u;
                }
            }
        }
        return u;
    }

    void close(@Observes ShutdownEvent ev) {
        GeminiTextStream u = upstream;
        if (u != null) {
            u.close();
        }
    }
}
