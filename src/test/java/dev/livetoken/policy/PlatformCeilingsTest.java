package dev.livetoken.policy;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.livetoken.problem.FieldError;
import dev.livetoken.support.Policies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The platform ceilings as pure logic: what a write may not exceed, and how a stored policy is held at mint time. */
class PlatformCeilingsTest {

    static final String LIVE = "gemini-3.5-live-translate-preview";
    static final String TEXT = "gemini-3.1-flash-lite";

    static PlatformCeilings ceilings(
            boolean unlocked, long userRate, long userQuota, long tenantRate, long tenantQuota) {
        return new PlatformCeilings(
                List.of(LIVE),
                List.of(TEXT),
                10,
                3600,
                600,
                unlocked,
                userRate,
                tenantRate,
                userQuota,
                tenantQuota,
                List.of("enabled", "userQuotaPerDay"),
                PlatformCeilings.SessionCeilings.NONE,
                PlatformCeilings.TextCeilings.NONE);
    }

    static TokenPolicy policy(
            String model,
            LockMode lock,
            int defaultUses,
            int maxUses,
            long life,
            long maxLife,
            long window,
            long maxWindow,
            long userRate,
            long tenantRate,
            long userQuota,
            long tenantQuota) {
        return Policies.defaults()
                .withModel(model)
                .withLockMode(lock)
                .withAllowedTargetLanguages(Set.of("es", "fr"))
                .withUses(defaultUses, maxUses)
                .withTokenLifetime(Duration.ofSeconds(life), Duration.ofSeconds(maxLife))
                .withNewSessionWindow(Duration.ofSeconds(window), Duration.ofSeconds(maxWindow))
                .withMintLimits(userRate, tenantRate, userQuota, tenantQuota)
                .withVersion(7)
                .withTextModel(TEXT)
                .build();
    }

    static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    @Test
    void theIssuesPolicyIsBeyondEveryDefaultCeiling() {
        var c = ceilings(false, 60, 1000, 0, 0);
        // model gemini-2.5-pro, maxUses 1000, a (nearly) 20-hour lifetime, UNLOCKED, unlimited user limits
        TokenPolicy p = policy("gemini-2.5-pro", LockMode.UNLOCKED, 1, 1000, 71_999, 71_999, 60, 600, 0, 0, 0, 0);
        List<FieldError> v = c.violations(p);
        assertThat(fields(v))
                .containsExactlyInAnyOrder(
                        "model",
                        "lockMode",
                        "maxUses",
                        "tokenLifetimeSeconds",
                        "maxTokenLifetimeSeconds",
                        "userRatePerMinute",
                        "userQuotaPerDay");
        assertThat(v)
                .filteredOn(e -> e.field().equals("maxUses"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains("at most 10")
                .contains("livetoken.platform.max-uses");
        assertThat(v)
                .filteredOn(e -> e.field().equals("userQuotaPerDay"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains("between 1 and 1000")
                .contains("0 (no limit)");
        assertThat(v)
                .filteredOn(e -> e.field().equals("model"))
                .singleElement()
                .extracting(FieldError::message)
                .asString()
                .contains(LIVE);
    }

    @Test
    void aPolicyWithinTheCeilingsPasses() {
        var c = ceilings(false, 60, 1000, 0, 0);
        assertThat(c.violations(policy("models/" + LIVE, LockMode.LOCKED, 2, 10, 1800, 3600, 60, 600, 60, 0, 1000, 0)))
                .isEmpty();
        // a ceiling of 0 is no ceiling: "no limit" is fine there
        assertThat(c.violations(policy(LIVE, LockMode.LOCKED, 1, 10, 1800, 3600, 60, 600, 5, 0, 5, 0)))
                .isEmpty();
        assertThat(ceilings(true, 0, 0, 0, 0)
                        .violations(policy(LIVE, LockMode.UNLOCKED, 1, 10, 1800, 3600, 60, 600, 0, 0, 0, 0)))
                .isEmpty();
    }

    @Test
    void aStoredPolicyBeyondTodaysCeilingsIsClampedAtMintTime() {
        var c = ceilings(false, 60, 1000, 100, 0);
        TokenPolicy stored = policy(LIVE, LockMode.UNLOCKED, 20, 50, 5 * 3600, 10 * 3600, 1800, 3600, 0, 500, 5000, 0);
        PlatformCeilings.Clamped held = c.clamp(stored);
        TokenPolicy p = held.policy();
        assertThat(held.refusal()).isNull();
        assertThat(p.maxUses()).isEqualTo(10);
        assertThat(p.defaultUses()).isEqualTo(10);
        assertThat(p.maxTokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(p.tokenLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(p.maxNewSessionWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.newSessionWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(p.lockMode()).isEqualTo(LockMode.LOCKED);
        assertThat(p.userRatePerMinute()).isEqualTo(60); // was 0 = no limit
        assertThat(p.tenantRatePerMinute()).isEqualTo(100);
        assertThat(p.userQuotaPerDay()).isEqualTo(1000);
        assertThat(p.tenantQuotaPerDay()).isZero(); // no ceiling
        assertThat(p.version()).isEqualTo(7);
        assertThat(held.clamps())
                .extracting(PlatformCeilings.Clamp::field)
                .contains("maxUses", "lockMode", "userRatePerMinute", "tenantRatePerMinute", "userQuotaPerDay");
        assertThat(PolicyRules.violations(p)).isEmpty();
        assertThat(c.violations(p)).isEmpty();
    }

    @Test
    void aPolicyWithinTheCeilingsIsNotTouched() {
        var c = ceilings(false, 60, 1000, 0, 0);
        TokenPolicy p = policy(LIVE, LockMode.LOCKED, 1, 10, 1800, 3600, 60, 600, 10, 0, 200, 0);
        var held = c.clamp(p);
        assertThat(held.policy()).isSameAs(p);
        assertThat(held.clamps()).isEmpty();
    }

    @Test
    void aModelThePlatformNoLongerAllowsCannotBeClampedSoItIsRefused() {
        var held = ceilings(true, 0, 0, 0, 0)
                .clamp(policy("gemini-2.5-pro", LockMode.LOCKED, 1, 10, 1800, 3600, 60, 600, 0, 0, 0, 0));
        assertThat(held.refusal()).contains("gemini-2.5-pro").contains("livetoken.platform.allowed-models");
    }

    @Test
    void aTextModelOutsideThePlatformsListIsBeyondTheCeilings() {
        var c = ceilings(false, 0, 0, 0, 0);
        TokenPolicy p = policy(LIVE, LockMode.LOCKED, 1, 10, 1800, 3600, 60, 600, 0, 0, 0, 0);
        TokenPolicy pro = Policies.from(p).withTextModel("gemini-2.5-pro").build();
        assertThat(fields(c.violations(p))).doesNotContain("textModel");
        assertThat(fields(c.violations(pro))).contains("textModel");
        assertThat(c.allowsTextModel("models/" + TEXT)).isTrue();
    }

    /** Text translations run on the operator's key: the character limits are held like the others. */
    static PlatformCeilings withCharacterCeilings(long user, long tenant) {
        var c = ceilings(false, 0, 0, 0, 0);
        return new PlatformCeilings(
                c.allowedModels(),
                c.allowedTextModels(),
                c.maxUses(),
                c.maxTokenLifetimeSeconds(),
                c.maxNewSessionWindowSeconds(),
                c.allowUnlocked(),
                0,
                0,
                0,
                0,
                c.tenantAdminFields(),
                PlatformCeilings.SessionCeilings.NONE,
                new PlatformCeilings.TextCeilings(user, tenant));
    }

    static TokenPolicy withCharacters(long user, long tenant) {
        return Policies.defaults()
                .withTextModel(TEXT)
                .withUserCharactersPerDay(user)
                .withTenantCharactersPerDay(tenant)
                .build();
    }

    @Test
    void noCharacterLimitOrOneAboveTheCeilingIsRefusedNamingTheField() {
        var c = withCharacterCeilings(50_000, 1_000_000);
        TokenPolicy unlimited = withCharacters(0, 2_000_000);
        List<FieldError> v = c.violations(unlimited);
        assertThat(fields(v)).contains("userCharactersPerDay", "tenantCharactersPerDay");
        assertThat(v.stream()
                        .filter(e -> e.field().equals("userCharactersPerDay"))
                        .findFirst()
                        .orElseThrow()
                        .message())
                .contains("between 1 and 50000")
                .contains("livetoken.platform.max-user-characters-per-day");
        TokenPolicy within = withCharacters(50_000, 1_000_000);
        assertThat(fields(c.violations(within))).doesNotContain("userCharactersPerDay", "tenantCharactersPerDay");
        // no ceiling: any value, 0 included, as before
        assertThat(fields(withCharacterCeilings(0, 0).violations(unlimited)))
                .doesNotContain("userCharactersPerDay", "tenantCharactersPerDay");
    }

    @Test
    void aStoredPolicyBeyondTodaysCharacterCeilingsIsClampedAtTranslationTime() {
        var c = withCharacterCeilings(50_000, 1_000_000);
        TokenPolicy stored = withCharacters(0, 2_000_000);
        PlatformCeilings.Clamped held = c.clamp(stored);
        assertThat(held.policy().userCharactersPerDay()).isEqualTo(50_000);
        assertThat(held.policy().tenantCharactersPerDay()).isEqualTo(1_000_000);
        assertThat(held.clamps())
                .extracting(PlatformCeilings.Clamp::field, PlatformCeilings.Clamp::policy)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("userCharactersPerDay", "0 (no limit)"),
                        org.assertj.core.groups.Tuple.tuple("tenantCharactersPerDay", "2000000"));
        TokenPolicy lower = withCharacters(10, 20);
        assertThat(c.clamp(lower).policy().userCharactersPerDay()).isEqualTo(10);
        assertThat(c.clamp(lower).clamps()).isEmpty();
    }

    @Test
    void badSettingsAreNamedAtStartup() {
        var bad = new PlatformCeilings(
                List.of(),
                List.of(),
                0,
                72_000,
                600,
                false,
                -1,
                0,
                0,
                0,
                List.of("enabled", "maxUsers"),
                PlatformCeilings.SessionCeilings.NONE,
                PlatformCeilings.TextCeilings.NONE);
        assertThat(bad.configProblems())
                .anyMatch(m -> m.contains("allowed-models"))
                .anyMatch(m -> m.contains("allowed-text-models"))
                .anyMatch(m -> m.contains("max-uses"))
                .anyMatch(m -> m.contains("max-token-lifetime"))
                .anyMatch(m -> m.contains("rate-per-minute"))
                .anyMatch(m -> m.contains("'maxUsers'"));
        assertThat(ceilings(false, 0, 0, 0, 0).configProblems()).isEmpty();
        assertThat(withCharacterCeilings(-1, 0).configProblems()).anyMatch(m -> m.contains("max-*-characters-per-day"));
    }

    @Test
    void everyWritablePolicyFieldIsKnownAndTheReadOnlyOnesAreNot() {
        assertThat(PlatformCeilings.WRITABLE_FIELDS)
                .contains("model", "lockMode", "maxUses", "tenantQuotaPerDay", "enabled")
                .doesNotContain("tenantId", "version", "updatedAt", "updatedBy");
        assertThatThrownBy(() -> PlatformCeilings.of(new PlatformConfig() {
                    public List<String> allowedModels() {
                        return List.of(LIVE);
                    }

                    public List<String> allowedTextModels() {
                        return List.of(TEXT);
                    }

                    public int maxUses() {
                        return 10;
                    }

                    public Duration maxTokenLifetime() {
                        return Duration.ofHours(1);
                    }

                    public Duration maxNewSessionWindow() {
                        return Duration.ofMinutes(10);
                    }

                    public boolean allowUnlocked() {
                        return false;
                    }

                    public long maxUserRatePerMinute() {
                        return 0;
                    }

                    public long maxTenantRatePerMinute() {
                        return 0;
                    }

                    public long maxUserQuotaPerDay() {
                        return 0;
                    }

                    public long maxTenantQuotaPerDay() {
                        return 0;
                    }

                    public long maxUserSessionMinutesPerDay() {
                        return 0;
                    }

                    public long maxTenantSessionMinutesPerDay() {
                        return 0;
                    }

                    public long maxLiveTokensPerUser() {
                        return 0;
                    }

                    public long maxLiveTokensPerTenant() {
                        return 0;
                    }

                    public long maxUserCharactersPerDay() {
                        return 0;
                    }

                    public long maxTenantCharactersPerDay() {
                        return 0;
                    }

                    public Set<String> tenantAdminFields() {
                        return Set.of("enabled", "tenantQuota");
                    }
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tenantQuota");
    }
}
