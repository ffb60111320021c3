package dev.livetoken.policy;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.limits.SessionLimits;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.Store;

/**
 * The policy in force for a tenant, read through a Caffeine cache. A change made on any replica
 * bumps the store's change counter; every replica polls it each {@code refresh-interval} and drops
 * its cache when it moved, so changes (and kill-switch blocks) apply everywhere within that bound.
 */
@ApplicationScoped
public class PolicyService {

    private static final Logger LOG = Logger.getLogger(PolicyService.class);

    /** What the store holds for one tenant. */
    record TenantEntry(Optional<TokenPolicy> policy, Set<String> blocked) {}

    private final PolicyStore store;
    private final BlockStore blocks;
    private final Store db;
    private final PolicyConfig config;
    private final DefaultPolicyConfig defaultsConfig;
    private final TokenPolicy defaults;
    private final PlatformCeilings ceilings;
    private final AsyncLoadingCache<String, TenantEntry> cache;
    private final AtomicLong seenVersion = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean polling = new AtomicBoolean();

    PolicyService(
            PolicyStore store,
            BlockStore blocks,
            Store db,
            PolicyConfig config,
            DefaultPolicyConfig defaultsConfig,
            LanguageCatalog languages,
            io.micrometer.core.instrument.MeterRegistry registry,
            PlatformCeilings ceilings) {
        this.store = store;
        this.blocks = blocks;
        this.ceilings = ceilings;
        this.db = db;
        this.config = config;
        this.defaultsConfig = defaultsConfig;
        this.defaults = fromConfig(defaultsConfig, languages);
        // The defaults fill in every policy written and seed the default policy: beyond the ceilings,
        // every write would be refused. Say so at startup, naming both settings.
        var beyond = ceilings.violations(defaults);
        if (!beyond.isEmpty()) {
            throw new IllegalStateException("livetoken.default-policy.* exceeds the platform's ceilings: " + beyond);
        }
        this.cache = Caffeine.newBuilder()
                .maximumSize(config.cacheSize())
                .expireAfterWrite(config.cacheTtl())
                .executor(db.executor())
                .recordStats()
                .buildAsync(tenant -> new TenantEntry(
                        store.find(tenant).map(PolicyStore.Stored::policy), blocks.blockedSubjects(tenant)));
        // cache_gets_total{cache="policy",result="hit|miss"}, evictions and size at /q/metrics
        io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics.monitor(
                registry, cache.synchronous(), "policy");
    }

    /** The configured defaults that fill in omitted policy fields (tenant id {@code default}). */
    public TokenPolicy defaults() {
        return defaults;
    }

    void start(@Observes StartupEvent ev, Vertx vertx) {
        if (defaultsConfig.seed() && store.insert(defaults, "config")) {
            LOG.info("Created the 'default' tenant policy from livetoken.default-policy.*");
        }
        seenVersion.set(store.configVersion());
        vertx.setPeriodic(config.refreshInterval().toMillis(), id -> poll());
    }

    /** Checks the shared change counter off the event loop; drops the cache if it moved. */
    void poll() {
        if (!polling.compareAndSet(false, true)) {
            return;
        }
        db.executor().execute(() -> {
            try {
                long v = store.configVersion();
                if (seenVersion.getAndSet(v) != v) {
                    cache.synchronous().invalidateAll();
                }
            } catch (RuntimeException e) {
                LOG.warnf("Could not check for policy changes: %s", e.getClass().getSimpleName());
            } finally {
                polling.set(false);
            }
        });
    }

    /** Drops this replica's cache at once (after a local write). */
    public void invalidateLocal() {
        cache.synchronous().invalidateAll();
    }

    /**
     * The tenant's own policy, else the {@code default} one; 403 if neither exists. Either way held
     * to today's platform ceilings: a policy stored before a ceiling was lowered is clamped.
     */
    public Uni<EffectivePolicy> effective(String tenant) {
        return Uni.createFrom().completionStage(cache.get(tenant)).chain(own -> {
            if (own.policy().isPresent()) {
                return Uni.createFrom().item(held(own.policy().get(), "tenant", own.blocked()));
            }
            return Uni.createFrom()
                    .completionStage(cache.get(TokenPolicy.DEFAULT_TENANT))
                    .map(dflt -> {
                        TokenPolicy p = dflt.policy()
                                .orElseThrow(() -> ProblemException.of(
                                        ProblemType.UNKNOWN_TENANT,
                                        "Tenant '" + tenant + "' has no token policy and there is no default policy."));
                        return held(p, "default", own.blocked());
                    });
        });
    }

    private EffectivePolicy held(TokenPolicy stored, String source, Set<String> blocked) {
        PlatformCeilings.Clamped c = ceilings.clamp(stored);
        return new EffectivePolicy(c.policy(), source, blocked, c.clamps(), c.refusal());
    }

    static TokenPolicy fromConfig(DefaultPolicyConfig c, LanguageCatalog languages) {
        Set<String> allowed = c.allowedTargetLanguages().orElse(Set.of()).stream()
                .map(code -> languages
                        .require(code, "livetoken.default-policy.allowed-target-languages")
                        .code())
                .collect(Collectors.toUnmodifiableSet());
        String dflt = languages
                .require(c.defaultTargetLanguage(), "livetoken.default-policy.default-target-language")
                .code();
        TokenPolicy p = new TokenPolicy(
                TokenPolicy.DEFAULT_TENANT,
                c.enabled(),
                c.model(),
                c.lockMode(),
                allowed,
                dflt,
                c.echoTargetLanguage(),
                c.echoOverridable(),
                c.defaultUses(),
                c.maxUses(),
                c.tokenLifetime(),
                c.maxTokenLifetime(),
                c.newSessionWindow(),
                c.maxNewSessionWindow(),
                c.userRatePerMinute(),
                c.tenantRatePerMinute(),
                c.userQuotaPerDay(),
                c.tenantQuotaPerDay(),
                1,
                c.textModel(),
                c.userCharactersPerDay(),
                c.tenantCharactersPerDay(),
                new SessionLimits(
                        c.userSessionMinutesPerDay(),
                        c.tenantSessionMinutesPerDay(),
                        c.maxLiveTokensPerUser(),
                        c.maxLiveTokensPerTenant()),
                InterpreterPolicy.DEFAULT);
        PolicyRules.check(p);
        return p;
    }
}
