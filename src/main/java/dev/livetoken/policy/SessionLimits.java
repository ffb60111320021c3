package dev.livetoken.policy;

/**
 * A policy's session governance (issue 9): daily budgets of worst-case session-minutes and caps on
 * tokens live at once. Every value 0 means none. Grouped so {@link TokenPolicy} grows by one
 * component; the policy document keeps the four fields flat.
 *
 * @param userSessionMinutesPerDay worst-case minutes one user may be charged per UTC day
 * @param tenantSessionMinutesPerDay worst-case minutes the whole tenant may be charged per UTC day
 * @param maxLiveTokensPerUser tokens of one user that may be unexpired at once
 * @param maxLiveTokensPerTenant tokens of the tenant that may be unexpired at once
 */
public record SessionLimits(
        long userSessionMinutesPerDay,
        long tenantSessionMinutesPerDay,
        long maxLiveTokensPerUser,
        long maxLiveTokensPerTenant) {

    /** No budget and no cap. */
    public static final SessionLimits NONE = new SessionLimits(0, 0, 0, 0);

    /** Whether a mint must claim a live-token slot (some cap applies). */
    public boolean capsLiveTokens() {
        return maxLiveTokensPerUser > 0 || maxLiveTokensPerTenant > 0;
    }
}
