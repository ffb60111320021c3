package dev.livetoken.limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.GroupCommit;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;
import dev.livetoken.store.StoreWork;

/**
 * Per-user and per-tenant rate (per UTC minute) and quota (per UTC day), enforced in the shared
 * store so every replica sees the same counts. A reservation is one transaction of conditional
 * {@code UPDATE … SET used = used + 1 WHERE used < limit}: the database's row lock makes the check
 * and the increment one step, so concurrent mints on any number of replicas can never over-issue.
 * Counters are always touched in the same order, so two reservations cannot deadlock.
 * <p>
 * A mint's reservation and give-back are units of the store's group commit ({@link #reserveGrouped},
 * {@link #releaseGrouped}): many mints' counters are updated in one transaction and one commit, each
 * mint still all or nothing (a refusal rolls back only its own increments). A counter row that does
 * not exist yet is created inside that same transaction, not by an extra commit of its own. A new
 * kind of reservation (another counter, a budget) plugs in by adding its statements to
 * {@link #reservation}, which runs on the connection of whatever transaction it is given: they then
 * share the mint's unit, savepoint and commit, and a {@code ProblemException} thrown there refuses
 * the mint and undoes the whole unit. The other methods block: call them from
 * {@link Store#executor()}.
 */
@ApplicationScoped
public class UsageLimiter {

    private static final Logger LOG = Logger.getLogger(UsageLimiter.class);

    /** Which limit a counter enforces. Declaration order is the locking order. */
    public enum Scope {
        TENANT_QUOTA("tenant-quota", "day"),
        USER_QUOTA("user-quota", "day"),
        TENANT_RATE("tenant-rate", "minute"),
        USER_RATE("user-rate", "minute"),
        // Characters translated (POST /v1/translations): reserved by amount, never with the mint counters.
        TENANT_CHARACTERS("tenant-characters", "day"),
        USER_CHARACTERS("user-characters", "day");

        public final String label;
        public final String window;

        Scope(String label, String window) {
            this.label = label;
            this.window = window;
        }
    }

    /** Counters one mint has incremented; give them back if the mint fails. */
    public record Reservation(List<String> keys) {}

    /** One counter's state for a caller: limit (0 = none), used, and when the window resets. */
    public record Counter(Scope scope, long limit, long used, Instant resetsAt) {
        public Long remaining() {
            return limit == 0 ? null : Math.max(0, limit - used);
        }
    }

    private record Planned(Scope scope, String key, String subject, Instant windowEnd, long limit) {}

    /** Characters one translation has reserved; settle them when it ends. */
    public record CharacterReservation(List<String> keys, long characters) {}

    /**
     * {@code usage_counter.window_kind} of character counters: distinct from {@code day}, so the
     * per-day mint totals ({@link #usersToday}, the tenant-quota fallback) never count characters.
     */
    static final String CHARACTERS_KIND = "chars";

    /** Another transaction created the same counter row at the same moment. */
    private static final Set<String> ROW_RACES = Set.of("23505", "90131");

    private final Store store;

    UsageLimiter(Store store) {
        this.store = store;
    }

    void cleanUpRegularly(@Observes StartupEvent ev, Vertx vertx) {
        vertx.setPeriodic(
                Duration.ofMinutes(10).toMillis(), id -> store.executor().execute(this::purgeOld));
    }

    /**
     * Takes one mint from every applicable counter, or refuses with a 429 naming the limit, in a
     * transaction of its own. Blocks; the mint path uses {@link #reserveGrouped}.
     */
    public Reservation reserve(String tenant, String subject, TokenPolicy p, Instant now) {
        return store.inTransaction(reservation(tenant, subject, p, now));
    }

    /**
     * {@link #reserve} as a unit of the store's group commit: the future completes once the
     * increments are committed, or fails with the refusal ({@code ProblemException}) or a
     * {@code StoreFailure}. Does not block.
     */
    public CompletableFuture<Reservation> reserveGrouped(String tenant, String subject, TokenPolicy p, Instant now) {
        return store.groupCommit(new GroupCommit.Lane(tenant, subject), reservation(tenant, subject, p, now));
    }

    /**
     * The statements of one reservation, on the connection of the transaction that runs them.
     * Throwing (a refusal) makes that transaction roll back this unit's increments.
     */
    private StoreWork<Reservation> reservation(String tenant, String subject, TokenPolicy p, Instant now) {
        List<Planned> plan = plan(tenant, subject, p, now);
        return c -> {
            for (Planned k : plan) {
                if (!add(c, tenant, k, 1)) {
                    throw refusal(k, now);
                }
            }
            return new Reservation(plan.stream().map(Planned::key).toList());
        };
    }

    /** Gives a reservation back (the upstream call or the audit write failed). Blocks. */
    public void release(Reservation r) {
        if (r != null) {
            giveBack(r.keys(), 1, "usage");
        }
    }

    /** {@link #release} as a unit of the store's group commit; never fails (a failed give-back is logged). */
    public CompletableFuture<Void> releaseGrouped(String tenant, String subject, Reservation r) {
        if (r == null || r.keys().isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return store.groupCommit(new GroupCommit.Lane(tenant, subject), c -> {
                    subtract(c, r.keys(), 1);
                    return (Void) null;
                })
                .exceptionally(e -> {
                    LOG.warnf(
                            "Could not give back a usage reservation (%s)",
                            e.getClass().getSimpleName());
                    return null;
                });
    }

    /** The caller's counters under the policy, without spending anything. */
    public List<Counter> usage(String tenant, String subject, TokenPolicy p, Instant now) {
        List<Counter> out = new ArrayList<>();
        Map<String, Planned> byKey = new LinkedHashMap<>();
        for (Planned k : allCounters(tenant, subject, p, now)) {
            byKey.put(k.key(), k);
        }
        Map<String, Long> used = read(byKey.keySet());
        for (Planned k : byKey.values()) {
            long u = k.scope() == Scope.TENANT_QUOTA && !used.containsKey(k.key())
                    ? tenantDayTotal(tenant, k.windowEnd())
                    : used.getOrDefault(k.key(), 0L);
            out.add(new Counter(k.scope(), k.limit(), u, k.windowEnd()));
        }
        return out;
    }

    /** Mints per user of a tenant today (UTC), most active first. */
    public List<Map.Entry<String, Long>> usersToday(String tenant, Instant now, int max) {
        Instant dayEnd = dayEnd(now);
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT subject, used FROM usage_counter "
                    + "WHERE tenant_id = ? AND window_kind = 'day' AND window_end = ? AND subject IS NOT NULL AND used > 0 "
                    + "ORDER BY used DESC, subject FETCH FIRST " + max + " ROWS ONLY")) {
                ps.setString(1, tenant);
                ps.setTimestamp(2, Timestamp.from(dayEnd));
                List<Map.Entry<String, Long>> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Map.entry(rs.getString(1), rs.getLong(2)));
                    }
                }
                return out;
            }
        });
    }

    /** Counters a mint touches: user-day always (it is the usage record), the rest only when limited. */
    private static List<Planned> plan(String tenant, String subject, TokenPolicy p, Instant now) {
        List<Planned> out = new ArrayList<>(4);
        for (Planned k : allCounters(tenant, subject, p, now)) {
            if (k.limit() > 0 || k.scope() == Scope.USER_QUOTA) {
                out.add(k);
            }
        }
        return out;
    }

    private static List<Planned> allCounters(String tenant, String subject, TokenPolicy p, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long minute = now.getEpochSecond() / 60;
        Instant dayEnd = dayEnd(now);
        Instant minuteEnd = Instant.ofEpochSecond((minute + 1) * 60);
        return List.of(
                new Planned(Scope.TENANT_QUOTA, "d:" + day + ":t:" + tenant, null, dayEnd, p.tenantQuotaPerDay()),
                new Planned(
                        Scope.USER_QUOTA,
                        "d:" + day + ":u:" + tenant + ":" + subject,
                        subject,
                        dayEnd,
                        p.userQuotaPerDay()),
                new Planned(
                        Scope.TENANT_RATE, "m:" + minute + ":t:" + tenant, null, minuteEnd, p.tenantRatePerMinute()),
                new Planned(
                        Scope.USER_RATE,
                        "m:" + minute + ":u:" + tenant + ":" + subject,
                        subject,
                        minuteEnd,
                        p.userRatePerMinute()));
    }

    private static Instant dayEnd(Instant now) {
        return now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    }

    /**
     * Adds {@code amount} to a counter if that keeps it within its limit (any amount when it has
     * none); false when it would not. A counter seen for the first time is created in the same
     * transaction, so a new window costs one more statement, not one more commit.
     */
    private boolean add(Connection c, String tenant, Planned k, long amount) throws SQLException {
        if (update(c, k, amount)) {
            return true;
        }
        return createRow(c, tenant, k) && update(c, k, amount);
    }

    private static boolean update(Connection c, Planned k, long amount) throws SQLException {
        String sql = k.limit() > 0
                ? "UPDATE usage_counter SET used = used + ? WHERE counter_key = ? AND used + ? <= ?"
                : "UPDATE usage_counter SET used = used + ? WHERE counter_key = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, amount);
            ps.setString(2, k.key());
            if (k.limit() > 0) {
                ps.setLong(3, amount);
                ps.setLong(4, k.limit());
            }
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Creates a counter's row with {@code used = 0}; false when it existed already (so the update
     * that found nothing to change was refused by the limit). A row another transaction created at
     * the same moment counts as created. On PostgreSQL a failed statement spoils its transaction,
     * so the insert runs in a savepoint there; H2 rolls back just the statement.
     */
    private boolean createRow(Connection c, String tenant, Planned k) throws SQLException {
        Savepoint sp = !c.getAutoCommit() && store.kind().equals("postgresql") ? c.setSavepoint() : null;
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_counter "
                + "(counter_key, tenant_id, subject, window_kind, window_end, used) SELECT ?, ?, ?, ?, ?, 0 "
                + "WHERE NOT EXISTS (SELECT 1 FROM usage_counter WHERE counter_key = ?)")) {
            ps.setString(1, k.key());
            ps.setString(2, tenant);
            ps.setString(3, k.subject());
            ps.setString(4, isCharacters(k.scope()) ? CHARACTERS_KIND : k.scope().window);
            ps.setTimestamp(5, Timestamp.from(k.windowEnd()));
            ps.setString(6, k.key());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (!ROW_RACES.contains(e.getSQLState())) {
                throw e;
            }
            if (sp != null) {
                c.rollback(sp);
            }
            return true;
        }
    }

    private static ProblemException refusal(Planned k, Instant now) {
        long reset = Math.max(1, Duration.between(now, k.windowEnd()).toSeconds());
        boolean quota = k.scope().window.equals("day");
        String who = k.scope() == Scope.TENANT_QUOTA || k.scope() == Scope.TENANT_RATE ? "Your tenant" : "You";
        return ProblemException.builder(
                        quota ? ProblemType.QUOTA_EXCEEDED : ProblemType.RATE_LIMITED,
                        who + " reached the limit of " + k.limit() + " tokens per " + (quota ? "UTC day" : "minute")
                                + " (" + k.scope().label + ").")
                .retryAfter(Duration.ofSeconds(reset))
                .header("RateLimit-Limit", String.valueOf(k.limit()))
                .header("RateLimit-Remaining", "0")
                .header("RateLimit-Reset", String.valueOf(reset))
                .header("RateLimit-Policy", k.limit() + ";w=" + (quota ? 86400 : 60))
                .limitScope(k.scope().label)
                .build();
    }

    private Map<String, Long> read(java.util.Collection<String> keys) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (keys.isEmpty()) {
            return out;
        }
        String marks = String.join(",", java.util.Collections.nCopies(keys.size(), "?"));
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT counter_key, used FROM usage_counter WHERE counter_key IN (" + marks + ")")) {
                int i = 1;
                for (String k : keys) {
                    ps.setString(i++, k);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getLong(2));
                    }
                }
                return out;
            }
        });
    }

    /** A tenant without a tenant quota is not counted on the hot path: sum its users instead. */
    private long tenantDayTotal(String tenant, Instant dayEnd) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(used), 0) FROM usage_counter "
                    + "WHERE tenant_id = ? AND window_kind = 'day' AND window_end = ? AND subject IS NOT NULL")) {
                ps.setString(1, tenant);
                ps.setTimestamp(2, Timestamp.from(dayEnd));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    /**
     * Reserves {@code characters} from the caller's daily character budgets (user, and tenant when
     * limited) in one transaction of conditional updates, or refuses with a 429 naming the limit.
     * The user counter is always kept: it is the usage record.
     */
    public CharacterReservation reserveCharacters(
            String tenant, String subject, TokenPolicy p, long characters, Instant now) {
        List<Planned> plan = characterCounters(tenant, subject, p, now);
        return store.inTransaction(c -> {
            for (Planned k : plan) {
                if (!add(c, tenant, k, characters)) {
                    throw characterRefusal(k, characters, used(c, k.key()), now);
                }
            }
            return new CharacterReservation(plan.stream().map(Planned::key).toList(), characters);
        });
    }

    /**
     * Settles a character reservation: keeps {@code used} of it and gives the rest back. A give-back
     * that fails is logged and dropped: it errs on the safe side (too few characters allowed).
     */
    public void settleCharacters(CharacterReservation r, long used) {
        long back = r == null ? 0 : r.characters() - Math.max(0, Math.min(used, r.characters()));
        if (back > 0) {
            giveBack(r.keys(), back, "character");
        }
    }

    /**
     * Takes {@code amount} off each counter in one transaction, never below 0. A give-back that
     * fails is logged and dropped: losing one only errs on the safe side (a little less allowed).
     */
    private void giveBack(List<String> keys, long amount, String what) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            store.inTransaction(c -> {
                subtract(c, keys, amount);
                return null;
            });
        } catch (StoreFailure e) {
            LOG.warnf("Could not give back a %s reservation (SQLState %s)", what, e.sqlState());
        }
    }

    private static void subtract(Connection c, List<String> keys, long amount) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE usage_counter SET used = CASE WHEN used >= ? THEN used - ? ELSE 0 END WHERE counter_key = ?")) {
            for (String key : keys) {
                ps.setLong(1, amount);
                ps.setLong(2, amount);
                ps.setString(3, key);
                ps.executeUpdate();
            }
        }
    }

    /** The caller's character counters under the policy (user, tenant), without spending anything. */
    public List<Counter> characterUsage(String tenant, String subject, TokenPolicy p, Instant now) {
        List<Planned> all = List.of(
                new Planned(
                        Scope.TENANT_CHARACTERS,
                        characterKey(now, "t:" + tenant),
                        null,
                        dayEnd(now),
                        p.tenantCharactersPerDay()),
                new Planned(
                        Scope.USER_CHARACTERS,
                        characterKey(now, "u:" + tenant + ":" + subject),
                        subject,
                        dayEnd(now),
                        p.userCharactersPerDay()));
        Map<String, Long> used = read(all.stream().map(Planned::key).toList());
        return all.stream()
                .map(k -> new Counter(k.scope(), k.limit(), used.getOrDefault(k.key(), 0L), k.windowEnd()))
                .toList();
    }

    private static boolean isCharacters(Scope s) {
        return s == Scope.TENANT_CHARACTERS || s == Scope.USER_CHARACTERS;
    }

    private static String characterKey(Instant now, String who) {
        return "c:" + LocalDate.ofInstant(now, ZoneOffset.UTC) + ":" + who;
    }

    /** Tenant first, then user: the same locking order for every translation. */
    private static List<Planned> characterCounters(String tenant, String subject, TokenPolicy p, Instant now) {
        List<Planned> out = new ArrayList<>(2);
        if (p.tenantCharactersPerDay() > 0) {
            out.add(new Planned(
                    Scope.TENANT_CHARACTERS,
                    characterKey(now, "t:" + tenant),
                    null,
                    dayEnd(now),
                    p.tenantCharactersPerDay()));
        }
        out.add(new Planned(
                Scope.USER_CHARACTERS,
                characterKey(now, "u:" + tenant + ":" + subject),
                subject,
                dayEnd(now),
                p.userCharactersPerDay()));
        return out;
    }

    private static long used(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT used FROM usage_counter WHERE counter_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static ProblemException characterRefusal(Planned k, long asked, long used, Instant now) {
        long reset = Math.max(1, Duration.between(now, k.windowEnd()).toSeconds());
        long remaining = Math.max(0, k.limit() - used);
        String who = k.scope() == Scope.TENANT_CHARACTERS ? "Your tenant has" : "You have";
        return ProblemException.builder(
                        ProblemType.QUOTA_EXCEEDED,
                        who + " " + remaining + " of " + k.limit() + " characters per UTC day left (" + k.scope().label
                                + "); this text has " + asked + ".")
                .retryAfter(Duration.ofSeconds(reset))
                .header("RateLimit-Limit", String.valueOf(k.limit()))
                .header("RateLimit-Remaining", String.valueOf(remaining))
                .header("RateLimit-Reset", String.valueOf(reset))
                .header("RateLimit-Policy", k.limit() + ";w=86400")
                .limitScope(k.scope().label)
                .build();
    }

    void purgeOld() {
        Instant now = Instant.now();
        try {
            store.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM usage_counter WHERE "
                                + "(window_kind = 'minute' AND window_end < ?) OR (window_kind IN ('day', 'chars') AND window_end < ?)")) {
                    ps.setTimestamp(1, Timestamp.from(now.minus(Duration.ofMinutes(10))));
                    ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofDays(35))));
                    return ps.executeUpdate();
                }
            });
        } catch (StoreFailure e) {
            LOG.warnf("Could not purge old usage counters (SQLState %s)", e.sqlState());
        }
    }
}
