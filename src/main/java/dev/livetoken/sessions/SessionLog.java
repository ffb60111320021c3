package dev.livetoken.sessions;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;

/** Reported sessions, durably. All methods block: call them off the event loop. */
@ApplicationScoped
public class SessionLog {

    /** A page of sessions, newest start first, and the cursor of the next page (null at the end). */
    public record Page(List<ReportedSession> items, String nextCursor) {}

    /** Thrown for a cursor that we did not issue. */
    public static final class BadCursor extends RuntimeException {
        BadCursor() {
            super(null, null, false, false);
        }
    }

    private static final String COLUMNS = "tenant_id, session_id, subject, token_audit_id, token_hash, started_at, "
            + "ended_at, audio_seconds_sent, audio_seconds_received, resumptions, close_code, close_reason, "
            + "prompt_token_count, response_token_count, total_token_count, reported_at";
    private static final Pattern SESSION_ID = Pattern.compile("[0-9a-f-]{36}");

    private final Store store;

    public SessionLog(Store store) {
        this.store = store;
    }

    /**
     * Stores a session; false when one with the same id was already stored for the tenant (a
     * repeated report, possibly racing on another replica: the primary key decides, once).
     */
    public boolean insert(ReportedSession s) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO live_session (" + COLUMNS + ", duration_ms) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, s.tenantId());
            ps.setString(2, s.sessionId());
            ps.setString(3, s.subject());
            ps.setLong(4, s.tokenAuditId());
            ps.setString(5, s.tokenHash());
            ps.setTimestamp(6, Timestamp.from(s.startedAt()));
            ps.setTimestamp(7, Timestamp.from(s.endedAt()));
            ps.setDouble(8, s.audioSecondsSent());
            ps.setDouble(9, s.audioSecondsReceived());
            ps.setInt(10, s.resumptions());
            ps.setInt(11, s.closeCode());
            ps.setString(12, s.closeReason());
            SessionReport.Usage u = s.usage();
            setLong(ps, 13, u == null ? null : u.promptTokenCount());
            setLong(ps, 14, u == null ? null : u.responseTokenCount());
            setLong(ps, 15, u == null ? null : u.totalTokenCount());
            ps.setTimestamp(16, Timestamp.from(s.reportedAt()));
            ps.setLong(17, s.durationMillis());
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false; // unique violation, the same code on H2 and PostgreSQL
            }
            throw new StoreFailure(e);
        }
    }

    /**
     * Sessions of a tenant, newest start first, optionally for one subject and a range of start
     * times ({@code from} inclusive, {@code to} exclusive), after {@code cursor}.
     */
    public Page query(String tenant, String subject, Instant from, Instant to, String cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM live_session WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (subject != null) {
            sql.append(" AND subject = ?");
            args.add(subject);
        }
        if (from != null) {
            sql.append(" AND started_at >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND started_at < ?");
            args.add(Timestamp.from(to));
        }
        if (cursor != null) {
            Object[] after = decode(cursor);
            sql.append(" AND (started_at < ? OR (started_at = ? AND session_id < ?))");
            args.add(after[0]);
            args.add(after[0]);
            args.add(after[1]);
        }
        sql.append(" ORDER BY started_at DESC, session_id DESC FETCH FIRST ")
                .append(limit + 1)
                .append(" ROWS ONLY");
        List<ReportedSession> items = select(sql.toString(), args);
        String next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            ReportedSession last = items.get(limit - 1);
            next = encode(last.startedAt(), last.sessionId());
        }
        return new Page(List.copyOf(items), next);
    }

    /**
     * Reported session-minutes per subject of a tenant, for sessions that ended in
     * [{@code from}, {@code to}), largest first.
     */
    public Map<String, Double> minutesBySubject(String tenant, Instant from, Instant to, int limit) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT subject, SUM(duration_ms) AS ms FROM live_session "
                        + "WHERE tenant_id = ? AND ended_at >= ? AND ended_at < ? GROUP BY subject "
                        + "ORDER BY ms DESC, subject FETCH FIRST " + limit + " ROWS ONLY")) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            Map<String, Double> out = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2) / 60_000.0);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** Reported session-minutes of a tenant (or of one subject, when not null) for sessions that ended in [from, to). */
    public double minutes(String tenant, String subject, Instant from, Instant to) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(duration_ms), 0) FROM live_session "
                        + "WHERE tenant_id = ? AND ended_at >= ? AND ended_at < ?"
                        + (subject == null ? "" : " AND subject = ?"))) {
            ps.setString(1, tenant);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            if (subject != null) {
                ps.setString(4, subject);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) / 60_000.0;
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private List<ReportedSession> select(String sql, List<Object> args) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<ReportedSession> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Long prompt = longOrNull(rs, 13);
                    Long response = longOrNull(rs, 14);
                    Long total = longOrNull(rs, 15);
                    SessionReport.Usage usage = prompt == null && response == null && total == null
                            ? null
                            : new SessionReport.Usage(prompt, response, total);
                    out.add(new ReportedSession(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getString(5),
                            rs.getTimestamp(6).toInstant(),
                            rs.getTimestamp(7).toInstant(),
                            rs.getDouble(8),
                            rs.getDouble(9),
                            rs.getInt(10),
                            rs.getInt(11),
                            rs.getString(12),
                            usage,
                            rs.getTimestamp(16).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    static String encode(Instant at, String sessionId) {
        String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + sessionId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    static Object[] decode(String cursor) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (p.length != 3 || !SESSION_ID.matcher(p[2]).matches()) {
                throw new BadCursor();
            }
            long nanos = Long.parseLong(p[1]);
            long seconds = Long.parseLong(p[0]);
            // only what encode() could have written: reported times lie between 2000 and 9999
            if (nanos < 0 || nanos > 999_999_999 || seconds < 946_684_800L || seconds > 253_370_764_800L) {
                throw new BadCursor();
            }
            return new Object[] {Timestamp.from(Instant.ofEpochSecond(seconds, nanos)), p[2]};
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new BadCursor();
        }
    }
}
