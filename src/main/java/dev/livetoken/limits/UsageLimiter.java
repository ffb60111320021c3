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
import java.util.concurrent.CompletionException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;

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
        USER_CHARACTERS("user-characters", "day"),
        // Session governance (issue 9): minutes ride on the day rows above (no rows, no lock of their
        // own); live tokens lock their own rows before all counters (LiveTokens).
        TENANT_SESSION_MINUTES("tenant-session-minutes", "day"),
        USER_SESSION_MINUTES("user-session-minutes", "day"),
        TENANT_LIVE_TOKENS("tenant-live-tokens", "live"),
        USER_LIVE_TOKENS("user-live-tokens", "live");

        public final String label;
        public final String window;

        Scope(String label, String window) {
            this.label = label;
            this.window = window;
        }
    }

    /**
     * Counters one mint has incremented, the session-minutes it charged to its day rows, and its
     * live-token slot (null when no cap applies); give them back if the mint fails.
     */
    public record Reservation(List<String> keys, long sessionMinutes, String liveToken) {

        public Reservation(List<String> keys) {
            this(keys, 0, null);
        }
    }

    /**
     * What a mint charges beyond one token (issue 9): its worst case in session-minutes, and until
     * when it is live. {@link #NONE} charges nothing of either.
     */
    public record Charge(WorstCase worstCase, Instant expireTime) {

        public static final Charge NONE = new Charge(null, null);

        public long sessionMinutes() {
            return worstCase == null ? 0 : worstCase.minutes();
        }
    }

    /** One counter's state for a caller: limit (0 = none), used, and when the window resets. */
    public record Counter(Scope scope, long limit, long used, Instant resetsAt) {
        public Long remaining() {
            return limit == 0 ? null : Math.max(0, limit - used);
        }
    }

    /** {@code minutesLimit}: the session-minutes budget enforced on this day row (0 = none; rate rows 0). */
    private record Planned(Scope scope, String key, String subject, Instant windowEnd, long limit, long minutesLimit) {

        Planned(Scope scope, String key, String subject, Instant windowEnd, long limit) {
            this(scope, key, subject, windowEnd, limit, 0);
        }
    }

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
    private final LimitMetrics metrics;
    private final LiveTokens live;

    UsageLimiter(Store store, LimitMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
        this.live = new LiveTokens(store);
    }

    void cleanUpRegularly(@Observes StartupEvent ev, Vertx vertx) {
        vertx.setPeriodic(
                Duration.ofMinutes(10).toMillis(), id -> store.executor().execute(this::purgeOld));
    }

    /** Takes one mint from every applicable counter, or refuses with a 429 naming the limit. Blocks. */
    public Reservation reserve(String tenant, String subject, LimitSettings p, Instant now) {
        return reserve(tenant, subject, p, Charge.NONE, now);
    }

    /**
     * Takes one mint from every applicable counter, charges its worst-case session-minutes to the
     * day rows (budgets checked in the same conditional update) and, under a live-token cap, claims
     * a live slot; all in one transaction of its own, or refuses with a 429 naming the limit.
     * Blocks; the mint path uses {@link #reserveGrouped}.
     */
    public Reservation reserve(String tenant, String subject, LimitSettings p, Charge charge, Instant now) {
        try {
            return store.inTransaction(reservation(tenant, subject, p, charge, now));
        } catch (ProblemException refused) {
            metrics.refused(tenant, refused.scope());
            throw refused;
        }
    }

    /**
     * {@link #reserve} as a unit of the store's group commit: the future completes once the
     * increments are committed, or fails with the refusal ({@code ProblemException}) or a
     * {@code StoreFailure}. Does not block.
     */
    public CompletableFuture<Reservation> reserveGrouped(
            String tenant, String subject, LimitSettings p, Charge charge, Instant now) {
        return store.groupCommit(new GroupCommit.Lane(tenant, subject), reservation(tenant, subject, p, charge, now))
                .whenComplete((r, e) -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof ProblemException refused) {
                        // Counted where every refusal of a mint is decided (counters, budgets, live caps).
                        metrics.refused(tenant, refused.scope());
                    }
                });
    }

    /**
     * The statements of one reservation, on the connection of the transaction that runs them.
     * Throwing (a refusal) makes that transaction roll back this unit's increments. A new kind of
     * reservation plugs in here: its statements then share the mint's unit, savepoint and commit.
     */
    private StoreWork<Reservation> reservation(
            String tenant, String subject, LimitSettings p, Charge charge, Instant now) {
        List<Planned> plan = plan(tenant, subject, p, now);
        long minutes = charge.sessionMinutes();
        boolean capped = charge.expireTime() != null && p.sessionLimits().capsLiveTokens();
        return c -> {
            String slot = null;
            // Live slot first: a mint refused by its cap then never waits for the counter rows,
            // which keeps a burst against a cap short. Every capped mint locks its live rows
            // before any counter row, so the locking order stays the same for all mints.
            if (capped) {
                slot = live.claim(c, tenant, subject, p.sessionLimits(), charge.expireTime(), now);
            }
            for (Planned k : plan) {
                if (!add(c, tenant, k, 1, minutes)) {
                    throw refusal(c, k, charge, now);
                }
            }
            return new Reservation(plan.stream().map(Planned::key).toList(), minutes, slot);
        };
    }

    /** Gives a reservation back (the upstream call or the audit write failed). Blocks. */
    public void release(Reservation r) {
        if (r != null) {
            giveBack(r.keys(), 1, r.sessionMinutes(), "usage");
            live.release(r.liveToken());
        }
    }

    /** {@link #release} as a unit of the store's group commit; never fails (a failed give-back is logged). */
    public CompletableFuture<Void> releaseGrouped(String tenant, String subject, Reservation r) {
        if (r == null || (r.keys().isEmpty() && r.liveToken() == null)) {
            return CompletableFuture.completedFuture(null);
        }
        return store.groupCommit(new GroupCommit.Lane(tenant, subject), c -> {
                    subtract(c, r.keys(), 1, r.sessionMinutes());
                    LiveTokens.release(c, r.liveToken());
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
    public List<Counter> usage(String tenant, String subject, LimitSettings p, Instant now) {
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
    private static List<Planned> plan(String tenant, String subject, LimitSettings p, Instant now) {
        List<Planned> out = new ArrayList<>(4);
        for (Planned k : allCounters(tenant, subject, p, now)) {
            if (k.limit() > 0 || k.minutesLimit() > 0 || k.scope() == Scope.USER_QUOTA) {
                out.add(k);
            }
        }
        return out;
    }

    private static List<Planned> allCounters(String tenant, String subject, LimitSettings p, Instant now) {
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        long minute = now.getEpochSecond() / 60;
        Instant dayEnd = dayEnd(now);
        Instant minuteEnd = Instant.ofEpochSecond((minute + 1) * 60);
        return List.of(
                new Planned(
                        Scope.TENANT_QUOTA,
                        "d:" + day + ":t:" + tenant,
                        null,
                        dayEnd,
                        p.tenantQuotaPerDay(),
                        p.sessionLimits().tenantSessionMinutesPerDay()),
                new Planned(
                        Scope.USER_QUOTA,
                        "d:" + day + ":u:" + tenant + ":" + subject,
                        subject,
                        dayEnd,
                        p.userQuotaPerDay(),
                        p.sessionLimits().userSessionMinutesPerDay()),
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
     * transaction, so a new window costs one more statement, not one more commit. A day row also
     * takes the mint's session-minutes: always (it is the usage record of what was charged, at no
     * extra statement) and, under a budget, only if they fit.
     */
    private boolean add(Connection c, String tenant, Planned k, long amount, long minutes) throws SQLException {
        if (update(c, k, amount, minutes)) {
            return true;
        }
        return createRow(c, tenant, k) && update(c, k, amount, minutes);
    }

    private boolean add(Connection c, String tenant, Planned k, long amount) throws SQLException {
        return add(c, tenant, k, amount, 0);
    }

    private static boolean update(Connection c, Planned k, long amount, long minutes) throws SQLException {
        boolean day = k.scope() == Scope.TENANT_QUOTA || k.scope() == Scope.USER_QUOTA;
        boolean charge = day && minutes != 0;
        String sql = "UPDATE usage_counter SET used = used + ?"
                + (charge ? ", session_minutes = session_minutes + ?" : "")
                + " WHERE counter_key = ?"
                + (k.limit() > 0 ? " AND used + ? <= ?" : "")
                + (charge && k.minutesLimit() > 0 ? " AND session_minutes + ? <= ?" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setLong(i++, amount);
            if (charge) {
                ps.setLong(i++, minutes);
            }
            ps.setString(i++, k.key());
            if (k.limit() > 0) {
                ps.setLong(i++, amount);
                ps.setLong(i++, k.limit());
            }
            if (charge && k.minutesLimit() > 0) {
                ps.setLong(i++, minutes);
                ps.setLong(i, k.minutesLimit());
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

    /** Why an increment was refused: the count limit if it is reached, else the minutes budget. */
    private static ProblemException refusal(Connection c, Planned k, Charge charge, Instant now) throws SQLException {
        if (k.minutesLimit() == 0 || charge.worstCase() == null) {
            return refusal(k, now);
        }
        long[] row = row(c, k.key());
        if (k.limit() > 0 && row[0] >= k.limit()) {
            return refusal(k, now);
        }
        return minutesRefusal(k, row[1], charge.worstCase(), now);
    }

    /** {@code used} and {@code session_minutes} of a counter row. */
    private static long[] row(Connection c, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT used, session_minutes FROM usage_counter WHERE counter_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
            }
        }
    }

    private static ProblemException minutesRefusal(Planned k, long charged, WorstCase asked, Instant now) {
        long reset = Math.max(1, Duration.between(now, k.windowEnd()).toSeconds());
        long left = Math.max(0, k.minutesLimit() - charged);
        boolean tenant = k.scope() == Scope.TENANT_QUOTA;
        Scope scope = tenant ? Scope.TENANT_SESSION_MINUTES : Scope.USER_SESSION_MINUTES;
        return ProblemException.builder(
                        ProblemType.SESSION_BUDGET_EXCEEDED,
                        (tenant ? "Your tenant has " : "You have ") + left + " of " + k.minutesLimit()
                                + " session-minutes per UTC day left (" + scope.label + "); this token's worst case is "
                                + asked.minutes() + " (" + asked.explain() + "). " + asked.whatFits(left))
                .retryAfter(Duration.ofSeconds(reset))
                .header("RateLimit-Limit", String.valueOf(k.minutesLimit()))
                .header("RateLimit-Remaining", String.valueOf(left))
                .header("RateLimit-Reset", String.valueOf(reset))
                .header("RateLimit-Policy", k.minutesLimit() + ";w=86400")
                .scope(scope.label)
                .build();
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
                .scope(k.scope().label)
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
            String tenant, String subject, LimitSettings p, long characters, Instant now) {
        List<Planned> plan = characterCounters(tenant, subject, p, now);
        try {
            return store.inTransaction(c -> {
                for (Planned k : plan) {
                    if (!add(c, tenant, k, characters)) {
                        throw characterRefusal(k, characters, used(c, k.key()), now);
                    }
                }
                return new CharacterReservation(plan.stream().map(Planned::key).toList(), characters);
            });
        } catch (ProblemException refused) {
            metrics.refused(tenant, refused.scope());
            throw refused;
        }
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
        giveBack(keys, amount, 0, what);
    }

    /** {@link #giveBack(List, long, String)}, also taking {@code minutes} off each row's session-minutes. */
    private void giveBack(List<String> keys, long amount, long minutes, String what) {
        if (keys.isEmpty()) {
            return;
        }
        try {
            store.inTransaction(c -> {
                subtract(c, keys, amount, minutes);
                return null;
            });
        } catch (StoreFailure e) {
            LOG.warnf("Could not give back a %s reservation (SQLState %s)", what, e.sqlState());
        }
    }

    /** Takes {@code amount} (and {@code minutes} of session-minutes) off each counter, never below 0. */
    private static void subtract(Connection c, List<String> keys, long amount, long minutes) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                minutes == 0
                        ? "UPDATE usage_counter SET used = CASE WHEN used >= ? THEN used - ? ELSE 0 END WHERE counter_key = ?"
                        : "UPDATE usage_counter SET used = CASE WHEN used >= ? THEN used - ? ELSE 0 END, session_minutes = "
                                + "CASE WHEN session_minutes >= ? THEN session_minutes - ? ELSE 0 END WHERE counter_key = ?")) {
            for (String key : keys) {
                int i = 1;
                ps.setLong(i++, amount);
                ps.setLong(i++, amount);
                if (minutes != 0) {
                    ps.setLong(i++, minutes);
                    ps.setLong(i++, minutes);
                }
                ps.setString(i, key);
                ps.executeUpdate();
            }
        }
    }

    /** The caller's character counters under the policy (user, tenant), without spending anything. */
    public List<Counter> characterUsage(String tenant, String subject, LimitSettings p, Instant now) {
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
    private static List<Planned> characterCounters(String tenant, String subject, LimitSettings p, Instant now) {
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
                .build();
    }

    /**
     * The caller's session budgets and live-token caps (issue 9), without spending anything:
     * session-minutes charged today always (they are always counted), live tokens when a cap is set
     * (only capped mints are tracked). A live counter "resets" when its earliest token expires (now
     * when none is live).
     */
    public List<Counter> sessionUsage(String tenant, String subject, LimitSettings p, Instant now) {
        var s = p.sessionLimits();
        Instant dayEnd = dayEnd(now);
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        String tenantKey = "d:" + day + ":t:" + tenant;
        String userKey = "d:" + day + ":u:" + tenant + ":" + subject;
        List<Counter> out = new ArrayList<>(4);
        try (Connection c = store.connection()) {
            Long tenantRow = sessionMinutes(c, tenantKey);
            out.add(new Counter(
                    Scope.TENANT_SESSION_MINUTES,
                    s.tenantSessionMinutesPerDay(),
                    tenantRow != null ? tenantRow : tenantMinutesToday(c, tenant, dayEnd),
                    dayEnd));
            Long userRow = sessionMinutes(c, userKey);
            out.add(new Counter(
                    Scope.USER_SESSION_MINUTES, s.userSessionMinutesPerDay(), userRow == null ? 0 : userRow, dayEnd));
            if (s.maxLiveTokensPerTenant() > 0) {
                LiveTokens.Live l = LiveTokens.count(c, tenant, null, now);
                out.add(new Counter(
                        Scope.TENANT_LIVE_TOKENS,
                        s.maxLiveTokensPerTenant(),
                        l.count(),
                        l.earliestExpiry() == null ? now : l.earliestExpiry()));
            }
            if (s.maxLiveTokensPerUser() > 0) {
                LiveTokens.Live l = LiveTokens.count(c, tenant, subject, now);
                out.add(new Counter(
                        Scope.USER_LIVE_TOKENS,
                        s.maxLiveTokensPerUser(),
                        l.count(),
                        l.earliestExpiry() == null ? now : l.earliestExpiry()));
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
        return out;
    }

    /** Mints and worst-case session-minutes charged to one user today (UTC). */
    public record UserDay(String subject, long mints, long sessionMinutesCharged) {}

    /** Mints and session-minutes charged per user of a tenant today (UTC), most active first. */
    public List<UserDay> usersChargedToday(String tenant, Instant now, int max) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT subject, used, session_minutes FROM usage_counter "
                        + "WHERE tenant_id = ? AND window_kind = 'day' AND window_end = ? AND subject IS NOT NULL AND used > 0 "
                        + "ORDER BY used DESC, subject FETCH FIRST " + max + " ROWS ONLY")) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(dayEnd(now)));
            List<UserDay> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UserDay(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** Session-minutes charged to all users of a tenant today (UTC): the sum of its user rows. */
    public long tenantMinutesToday(String tenant, Instant now) {
        try (Connection c = store.connection()) {
            return tenantMinutesToday(c, tenant, dayEnd(now));
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private static long tenantMinutesToday(Connection c, String tenant, Instant dayEnd) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(session_minutes), 0) FROM usage_counter "
                + "WHERE tenant_id = ? AND window_kind = 'day' AND window_end = ? AND subject IS NOT NULL")) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(dayEnd));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static Long sessionMinutes(Connection c, String key) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT session_minutes FROM usage_counter WHERE counter_key = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
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
        live.purge(now);
    }
}
