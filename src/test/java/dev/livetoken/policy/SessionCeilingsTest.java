package dev.livetoken.policy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.livetoken.limits.SessionLimits;
import dev.livetoken.problem.FieldError;
import dev.livetoken.support.Policies;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform's ceilings over the session budgets and live-token caps: 0 = no ceiling; a ceiling
 * admits 1..ceiling, since a policy's 0 (none) is looser than any number; stored policies beyond
 * today's ceilings are clamped at mint time.
 */
class SessionCeilingsTest {

    static final String LIVE = "gemini-3.5-live-translate-preview";

    static PlatformCeilings ceilings(long userMinutes, long tenantMinutes, long userLive, long tenantLive) {
        return new PlatformCeilings(
                List.of(LIVE),
                List.of("gemini-3.1-flash-lite"),
                10,
                3600,
                600,
                false,
                0,
                0,
                0,
                0,
                List.of("enabled"),
                new PlatformCeilings.SessionCeilings(userMinutes, tenantMinutes, userLive, tenantLive),
                PlatformCeilings.TextCeilings.NONE);
    }

    static TokenPolicy policy(SessionLimits s) {
        return Policies.defaults().withModel(LIVE).withSessionLimits(s).build();
    }

    static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    @Test
    void noCeilingAdmitsEverythingIncludingNone() {
        PlatformCeilings none = ceilings(0, 0, 0, 0);
        assertThat(none.violations(policy(SessionLimits.NONE))).isEmpty();
        assertThat(none.violations(policy(new SessionLimits(100_000, 1_000_000, 50, 5000))))
                .isEmpty();
    }

    @Test
    void aCeilingRefusesNoneAndAnythingAbove() {
        PlatformCeilings c = ceilings(600, 6000, 5, 50);
        assertThat(fields(c.violations(policy(SessionLimits.NONE))))
                .containsExactly(
                        "userSessionMinutesPerDay",
                        "tenantSessionMinutesPerDay",
                        "maxLiveTokensPerUser",
                        "maxLiveTokensPerTenant");
        assertThat(fields(c.violations(policy(new SessionLimits(601, 6001, 6, 51)))))
                .hasSize(4);
        assertThat(c.violations(policy(new SessionLimits(600, 6000, 5, 50)))).isEmpty();
        assertThat(c.violations(policy(new SessionLimits(1, 1, 1, 1)))).isEmpty();
        assertThat(c.violations(policy(new SessionLimits(0, 6000, 5, 50)))
                        .get(0)
                        .message())
                .contains("between 1 and 600", "livetoken.platform.max-user-session-minutes-per-day", "0 (no limit)");
    }

    @Test
    void aStoredPolicyBeyondTodaysCeilingsIsClampedAtMintTime() {
        PlatformCeilings c = ceilings(600, 0, 5, 0);
        PlatformCeilings.Clamped held = c.clamp(policy(new SessionLimits(0, 9999, 10, 0)));
        assertThat(held.policy().sessionLimits()).isEqualTo(new SessionLimits(600, 9999, 5, 0));
        assertThat(held.clamps())
                .extracting(PlatformCeilings.Clamp::field)
                .containsExactly("userSessionMinutesPerDay", "maxLiveTokensPerUser");
        assertThat(held.clamps().get(0).property()).isEqualTo("livetoken.platform.max-user-session-minutes-per-day");
        // within the ceilings, nothing changes
        assertThat(c.clamp(policy(new SessionLimits(300, 0, 3, 0))).clamps()).isEmpty();
    }

    @Test
    void negativeCeilingsAreAConfigurationError() {
        assertThat(ceilings(-1, 0, 0, 0).configProblems()).anyMatch(p -> p.contains("max-*-session-minutes-per-day"));
        assertThat(ceilings(0, 0, 0, 0).configProblems()).isEmpty();
    }

    @Test
    void theNewFieldsAreWritablePolicyFields() {
        assertThat(PlatformCeilings.WRITABLE_FIELDS)
                .contains(
                        "userSessionMinutesPerDay",
                        "tenantSessionMinutesPerDay",
                        "maxLiveTokensPerUser",
                        "maxLiveTokensPerTenant");
    }
}
