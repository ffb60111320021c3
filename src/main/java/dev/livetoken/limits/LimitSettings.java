package dev.livetoken.limits;

/**
 * The limits a tenant's policy sets, as {@link UsageLimiter} reads them. Every value is a count per
 * window; 0 means no limit. Owned here, not taken from {@code policy}, so that limits depend on
 * nothing above them: {@code policy.TokenPolicy} implements it, and any other holder of limits can.
 */
public interface LimitSettings {

    /** Mints per user per UTC minute. */
    long userRatePerMinute();

    /** Mints per tenant per UTC minute. */
    long tenantRatePerMinute();

    /** Mints per user per UTC day. */
    long userQuotaPerDay();

    /** Mints per tenant per UTC day. */
    long tenantQuotaPerDay();

    /** Characters a user may translate per UTC day. */
    long userCharactersPerDay();

    /** Characters the whole tenant may translate per UTC day. */
    long tenantCharactersPerDay();

    /** Session-minute budgets and live-token caps. */
    SessionLimits sessionLimits();
}
