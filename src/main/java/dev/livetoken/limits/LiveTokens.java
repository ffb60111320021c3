package dev.livetoken.limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jboss.logging.Logger;

import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.Store;

/**
 * Live-token caps (issue 9 part 2): a token is live until its {@code expireTime}, since Google offers
 * no revocation. Only mints under a policy with a cap are tracked, so a policy without caps costs no
 * statement at all. A capped mint, inside the reservation's transaction: locks the tenant's and/or
 * the user's row in {@code live_token_lock} (tenant first, and before any usage counter row: the
 * same order for every mint, so two mints cannot deadlock), counts the unexpired {@code live_token} rows of that scope (an index range
 * of at most the cap's size), and inserts its own; a scope already full on what is committed is
 * refused before its lock is taken. The lock serializes the count and the insert of
 * concurrent mints of the same user or tenant on every replica, so a cap is never exceeded; a mint
 * that fails later deletes its row again ({@link #release}). Blocking JDBC.
 * <p>
 * A claim runs only on the connection of its reservation: on the mint path that is a group-commit
 * writer's, which must never wait for a second one from the pool. So lock rows are created in a
 * transaction that is already open: the tenant's when a policy that caps the tenant is saved
 * ({@link #createLocks}, in the policy's transaction), and any row a claim does not find (a user's
 * first capped mint, a tenant under the {@code default} policy) by that claim, in the reservation's
 * transaction.
 */
public final class LiveTokens {

    private static final Logger LOG = Logger.getLogger(LiveTokens.class);

    /** Expired rows are kept this long before they are purged (they no longer count either way). */
    static final Duration PURGE_AFTER = Duration.ofMinutes(5);

    /** One scope's live tokens: how many, and when the earliest of them expires (null if none). */
    record Live(long count, Instant earliestExpiry) {}

    /** Another transaction created the same lock row at the same moment (PostgreSQL and H2 codes). */
    private static final Set<String> ROW_RACES = Set.of("23505", "90131");

    private final Store store;

    LiveTokens(Store store) {
        this.store = store;
    }

    static String userLock(String tenant, String subject) {
        return "u:" + tenant + ":" + subject;
    }

    static String tenantLock(String tenant) {
        return "t:" + tenant;
    }

    /**
     * Creates, in transaction {@code c} (a policy save's), the lock row of the tenant when {@code
     * limits} cap its live tokens, so its capped mints find it. Users' rows cannot be made ahead:
     * each user's first capped mint creates its own ({@link #claim}).
     */
    public static void createLocks(Connection c, String tenant, SessionLimits limits) throws SQLException {
        if (limits.maxLiveTokensPerTenant() > 0) {
            createLock(c, tenant, tenantLock(tenant));
        }
    }

    /**
     * Takes a live-token slot in transaction {@code c} (the reservation's), or throws the 429 of the
     * cap that is reached. Returns the slot's id, to give it back if the mint fails.
     */
    String claim(Connection c, String tenant, String subject, SessionLimits s, Instant expireTime, Instant now)
            throws SQLException {
        if (s.maxLiveTokensPerTenant() > 0) {
            admit(
                    c,
                    tenantLock(tenant),
                    tenant,
                    null,
                    s.maxLiveTokensPerTenant(),
                    UsageLimiter.Scope.TENANT_LIVE_TOKENS,
                    now);
        }
        if (s.maxLiveTokensPerUser() > 0) {
            admit(
                    c,
                    userLock(tenant, subject),
                    tenant,
                    subject,
                    s.maxLiveTokensPerUser(),
                    UsageLimiter.Scope.USER_LIVE_TOKENS,
                    now);
        }
        String id = UUID.randomUUID().toString();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO live_token (slot_id, tenant_id, subject, expire_time) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            ps.setString(3, subject);
            ps.setTimestamp(4, Timestamp.from(expireTime));
            ps.executeUpdate();
        }
        return id;
    }

    /**
     * Refuses when the scope is full, else leaves its lock taken. A full scope is refused on what is
     * committed, without waiting for the lock: live tokens only go away with time or a failed mint, so
     * such a refusal is one the mint would have had a moment earlier, and a burst against a full cap
     * does not queue on the lock. Admission is decided only under the lock, so the cap is never exceeded.
     */
    private void admit(
            Connection c,
            String lockKey,
            String tenant,
            String subject,
            long cap,
            UsageLimiter.Scope scope,
            Instant now)
            throws SQLException {
        Live before = count(c, tenant, subject, now);
        if (before.count() >= cap) {
            throw refusal(scope, cap, before, now);
        }
        lock(c, tenant, lockKey);
        Live live = count(c, tenant, subject, now);
        if (live.count() >= cap) {
            throw refusal(scope, cap, live, now);
        }
    }

    /**
     * Takes the lock row {@code key} in transaction {@code c}, creating it there first when it does
     * not exist yet; creating it costs two statements more, once per user or tenant.
     */
    private static void lock(Connection c, String tenant, String key) throws SQLException {
        if (take(c, key)) {
            return;
        }
        createLock(c, tenant, key);
        if (!take(c, key)) {
            // Its creator rolled back after ours saw it: fail this mint as a race (a 503), never claim unlocked.
            throw new SQLException("live-token lock row vanished", "40001");
        }
    }

    private static boolean take(Connection c, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE live_token_lock SET claims = claims + 1 WHERE lock_key = ?")) {
            ps.setString(1, key);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Inserts lock row {@code key} in transaction {@code c} unless it exists. A row another
     * transaction inserts at the same moment counts as created: the insert waits for it and fails
     * as a duplicate, in a savepoint of its own, since on PostgreSQL a failed statement spoils the
     * transaction (here the reservation's, and with it the group commit's batch).
     */
    private static void createLock(Connection c, String tenant, String key) throws SQLException {
        Savepoint sp = c.getAutoCommit() ? null : c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO live_token_lock (lock_key, tenant_id, claims) "
                + "SELECT ?, ?, 0 WHERE NOT EXISTS (SELECT 1 FROM live_token_lock WHERE lock_key = ?)")) {
            ps.setString(1, key);
            ps.setString(2, tenant);
            ps.setString(3, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!ROW_RACES.contains(e.getSQLState())) {
                throw e;
            }
            if (sp != null) {
                c.rollback(sp);
            }
        }
    }

    /** Unexpired tokens of a tenant ({@code subject} null) or of one of its users. */
    static Live count(Connection c, String tenant, String subject, Instant now) throws SQLException {
        String sql = "SELECT COUNT(*), MIN(expire_time) FROM live_token WHERE tenant_id = ?"
                + (subject == null ? "" : " AND subject = ?") + " AND expire_time > ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, tenant);
            if (subject != null) {
                ps.setString(i++, subject);
            }
            ps.setTimestamp(i, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp min = rs.getTimestamp(2);
                return new Live(rs.getLong(1), min == null ? null : min.toInstant());
            }
        }
    }

    Live count(String tenant, String subject, Instant now) {
        try (Connection c = store.connection()) {
            return count(c, tenant, subject, now);
        } catch (SQLException e) {
            throw new dev.livetoken.store.StoreFailure(e);
        }
    }

    /** Gives a slot back inside the caller's transaction (a grouped give-back); nothing when {@code slotId} is null. */
    static void release(Connection c, String slotId) throws SQLException {
        if (slotId == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM live_token WHERE slot_id = ?")) {
            ps.setString(1, slotId);
            ps.executeUpdate();
        }
    }

    /** Gives a slot back (the mint failed). A failure is logged: the slot then lapses at its expiry. */
    void release(String slotId) {
        if (slotId == null) {
            return;
        }
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM live_token WHERE slot_id = ?")) {
            ps.setString(1, slotId);
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf(
                    "Could not give back a live-token slot (SQLState %s); it lapses when it expires", e.getSQLState());
        }
    }

    void purge(Instant now) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM live_token WHERE expire_time < ?")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(PURGE_AFTER)));
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("Could not purge expired live tokens (SQLState %s)", e.getSQLState());
        }
    }

    private static ProblemException refusal(UsageLimiter.Scope scope, long cap, Live live, Instant now) {
        Instant free = live.earliestExpiry() == null ? now : live.earliestExpiry();
        long wait = Math.max(1, Math.ceilDiv(Duration.between(now, free).toMillis(), 1000));
        String who = scope == UsageLimiter.Scope.TENANT_LIVE_TOKENS ? "Your tenant holds" : "You hold";
        return ProblemException.builder(
                        ProblemType.LIVE_TOKEN_CAP,
                        who + " " + live.count() + " unexpired tokens, the most allowed at once is " + cap + " ("
                                + scope.label + "); the earliest expires at " + free + ".")
                .retryAfter(Duration.ofSeconds(wait))
                .header("RateLimit-Limit", String.valueOf(cap))
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", String.valueOf(wait))
                .scope(scope.label)
                .build();
    }
}
