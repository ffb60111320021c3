package dev.livetoken.limits;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

import dev.livetoken.policy.TokenPolicy;
import dev.livetoken.problem.ProblemException;
import dev.livetoken.problem.ProblemType;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;

/**
 * Per-user and per-tenant rate (per UTC minute) and quota (per UTC day), enforced in the shared
 * store so every replica sees the same counts. A reservation is one transaction of conditional
 * {@code UPDATE … SET used = used + 1 WHERE used < limit}: the database's row lock makes the check
 * and the increment one step, so concurrent mints on any number of replicas can never over-issue.
 * Counters are always touched in the same order, so two reservations cannot deadlock.
 * All methods block: call them from {@link Store#executor()}.
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

    private final Store store;
    /** Keys whose row is known to exist, so the hot path skips the insert-if-absent. */
    private final Cache<String, Boolean> ensured = Caffeine.newBuilder()
            .maximumSize(200_000)
            .expireAfterWrite(Duration.ofHours(25))
            .build();

    UsageLimiter(Store store) {
        this.store = store;
    }

    void cleanUpRegularly(@Observes StartupEvent ev, Vertx vertx) {
        vertx.setPeriodic(
                Duration.ofMinutes(10).toMillis(), id -> store.executor().execute(this::purgeOld));
    }

    /** Takes one mint from every applicable counter, or refuses with a 429 naming the limit. */
    public Reservation reserve(String tenant, String subject, TokenPolicy p, Instant now) {
        List<Planned> plan = plan(tenant, subject, p, now);
        for (Planned c : plan) {
            ensureRow(tenant, c);
        }
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                for (Planned k : plan) {
                    if (!increment(c, k)) {
                        c.rollback();
                        throw refusal(k, now);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
        return new Reservation(plan.stream().map(Planned::key).toList());
    }

    /** Gives a reservation back (the upstream call or the audit write failed). */
    public void release(Reservation r) {
        if (r != null) {
            giveBack(r.keys(), 1, "usage");
        }
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
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT subject, used FROM usage_counter "
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
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
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

    private void ensureRow(String tenant, Planned k) {
        if (ensured.getIfPresent(k.key()) != null) {
            return;
        }
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO usage_counter "
                        + "(counter_key, tenant_id, subject, window_kind, window_end, used) SELECT ?, ?, ?, ?, ?, 0 "
                        + "WHERE NOT EXISTS (SELECT 1 FROM usage_counter WHERE counter_key = ?)")) {
            ps.setString(1, k.key());
            ps.setString(2, tenant);
            ps.setString(3, k.subject());
            ps.setString(4, isCharacters(k.scope()) ? CHARACTERS_KIND : k.scope().window);
            ps.setTimestamp(5, Timestamp.from(k.windowEnd()));
            ps.setString(6, k.key());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (!"23505".equals(e.getSQLState())) {
                throw new StoreFailure(e);
            }
            // Another mint created it at the same moment: exactly what we wanted.
        }
        ensured.put(k.key(), Boolean.TRUE);
    }

    private static boolean increment(Connection c, Planned k) throws SQLException {
        String sql = k.limit() > 0
                ? "UPDATE usage_counter SET used = used + 1 WHERE counter_key = ? AND used < ?"
                : "UPDATE usage_counter SET used = used + 1 WHERE counter_key = ?";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, k.key());
            if (k.limit() > 0) {
                ps.setLong(2, k.limit());
            }
            return ps.executeUpdate() == 1;
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
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement(
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
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** A tenant without a tenant quota is not counted on the hot path: sum its users instead. */
    private long tenantDayTotal(String tenant, Instant dayEnd) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(used), 0) FROM usage_counter "
                        + "WHERE tenant_id = ? AND window_kind = 'day' AND window_end = ? AND subject IS NOT NULL")) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(dayEnd));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /**
     * Reserves {@code characters} from the caller's daily character budgets (user, and tenant when
     * limited) in one transaction of conditional updates, or refuses with a 429 naming the limit.
     * The user counter is always kept: it is the usage record.
     */
    public CharacterReservation reserveCharacters(
            String tenant, String subject, TokenPolicy p, long characters, Instant now) {
        List<Planned> plan = characterCounters(tenant, subject, p, now);
        for (Planned k : plan) {
            ensureRow(tenant, k);
        }
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try {
                for (Planned k : plan) {
                    if (!add(c, k, characters)) {
                        c.rollback();
                        throw characterRefusal(k, characters, used(c, k.key()), now);
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
        return new CharacterReservation(plan.stream().map(Planned::key).toList(), characters);
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
        try (Connection c = store.connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE usage_counter SET used = CASE WHEN used >= ? THEN used - ? ELSE 0 END WHERE counter_key = ?")) {
                for (String key : keys) {
                    ps.setLong(1, amount);
                    ps.setLong(2, amount);
                    ps.setString(3, key);
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.warnf("Could not give back a %s reservation (SQLState %s)", what, e.getSQLState());
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

    private static boolean add(Connection c, Planned k, long amount) throws SQLException {
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
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM usage_counter WHERE "
                                + "(window_kind = 'minute' AND window_end < ?) OR (window_kind IN ('day', 'chars') AND window_end < ?)")) {
            ps.setTimestamp(1, Timestamp.from(now.minus(Duration.ofMinutes(10))));
            ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofDays(35))));
            ps.executeUpdate();
        } catch (SQLException e) {
            LOG.warnf("Could not purge old usage counters (SQLState %s)", e.getSQLState());
        }
    }
}
