package dev.livetoken.audit;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.store.GroupCommit;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreWork;

/**
 * The durable audit trail. All methods but {@link #writeGrouped} block: call them from {@link Store#executor()}.
 */
@ApplicationScoped
public class AuditLog {

    /** A page of records, newest first, and the cursor of the next page (null at the end). */
    public record Page(List<AuditRecord> items, String nextCursor) {}

    /** Thrown for a cursor that we did not issue. */
    public static final class BadCursor extends RuntimeException {
        BadCursor() {
            super(null, null, false, false);
        }
    }

    private static final String COLUMNS = "id, tenant_id, subject, actor, minted_at, model, locked, target_language, "
            + "echo_target_language, uses, expire_time, new_session_expire_time, policy_tenant, policy_version, "
            + "request_id, token_hash, delivery, worst_case_session_minutes";

    private final Store store;

    public AuditLog(Store store) {
        this.store = store;
    }

    /** Writes and commits one record in a transaction of its own; throws if it is not durably stored. Blocks. */
    public void write(AuditRecord r) {
        write(r, (Long) null);
    }

    /**
     * Writes and commits one record that, when {@code renewedFrom} is not null, names the record of
     * the token it renewed ({@code POST /v1/tokens/renew}): parent and child are linked in the same
     * insert, so a renewed token never exists without its link. Blocks.
     */
    public void write(AuditRecord r, Long renewedFrom) {
        store.inTransaction(insert(r, renewedFrom, null));
    }

    /**
     * Writes and commits one record of a token minted as part of a conversation
     * ({@code POST /v1/conversations}, or the renewal of one of its tokens, then naming the record it
     * renewed). Blocks.
     */
    public void write(AuditRecord r, Long renewedFrom, ConversationLink conversation) {
        store.inTransaction(insert(r, renewedFrom, conversation));
    }

    /**
     * Writes one record as a unit of the store's group commit: the future completes once the record
     * is committed (with other mints' records and reservations), or fails if it is not.
     */
    public CompletableFuture<Void> writeGrouped(AuditRecord r) {
        return writeGrouped(r, null);
    }

    /** {@link #writeGrouped(AuditRecord)} for a record that may name the record it renewed. */
    public CompletableFuture<Void> writeGrouped(AuditRecord r, Long renewedFrom) {
        return store.groupCommit(new GroupCommit.Lane(r.tenantId(), r.subject()), insert(r, renewedFrom, null));
    }

    private static StoreWork<Void> insert(AuditRecord r, Long renewedFrom, ConversationLink conversation) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setString(1, r.tenantId());
                ps.setString(2, r.subject());
                ps.setString(3, r.actor());
                ps.setTimestamp(4, Timestamp.from(r.mintedAt()));
                ps.setString(5, r.model());
                ps.setBoolean(6, r.locked());
                ps.setString(7, r.targetLanguageCode());
                if (r.echoTargetLanguage() == null) {
                    ps.setNull(8, Types.BOOLEAN);
                } else {
                    ps.setBoolean(8, r.echoTargetLanguage());
                }
                ps.setInt(9, r.uses());
                ps.setTimestamp(10, Timestamp.from(r.expireTime()));
                ps.setTimestamp(11, Timestamp.from(r.newSessionExpireTime()));
                ps.setString(12, r.policyTenant());
                ps.setLong(13, r.policyVersion());
                ps.setString(14, r.requestId());
                ps.setString(15, r.tokenHash());
                ps.setString(16, r.delivery() == null ? AuditRecord.RETURNED : r.delivery());
                if (r.worstCaseSessionMinutes() == null) {
                    ps.setNull(17, Types.BIGINT);
                } else {
                    ps.setLong(17, r.worstCaseSessionMinutes());
                }
                if (renewedFrom == null) {
                    ps.setNull(18, Types.BIGINT);
                } else {
                    ps.setLong(18, renewedFrom);
                }
                ps.setString(19, conversation == null ? null : conversation.conversationId());
                ps.setString(20, conversation == null ? null : conversation.languagesColumn());
                ps.executeUpdate();
            }
            return null;
        };
    }

    private static final String INSERT = "INSERT INTO audit_record (tenant_id, subject, actor, "
            + "minted_at, model, locked, target_language, echo_target_language, uses, expire_time, "
            + "new_session_expire_time, policy_tenant, policy_version, request_id, token_hash, delivery, "
            + "worst_case_session_minutes, renewed_from, conversation_id, conversation_languages) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * Marks the record of a token as discarded: it was recorded for a caller who was gone (hung up,
     * or answered 503 after the store ran out of time) by the time it could be returned.
     */
    public void markDiscarded(String tokenHash) {
        store.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE audit_record SET delivery = ? WHERE token_hash = ?")) {
                ps.setString(1, AuditRecord.DISCARDED);
                ps.setString(2, tokenHash);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Records of a tenant, newest first, optionally for one subject and a time range
     * ({@code from} inclusive, {@code to} exclusive), after {@code cursor}.
     */
    public Page query(String tenant, String subject, Instant from, Instant to, String cursor, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_record WHERE tenant_id = ?");
        List<Object> args = new ArrayList<>(List.of(tenant));
        if (subject != null) {
            sql.append(" AND subject = ?");
            args.add(subject);
        }
        if (from != null) {
            sql.append(" AND minted_at >= ?");
            args.add(Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND minted_at < ?");
            args.add(Timestamp.from(to));
        }
        if (cursor != null) {
            Object[] after = decode(cursor);
            sql.append(" AND (minted_at < ? OR (minted_at = ? AND id < ?))");
            args.add(after[0]);
            args.add(after[0]);
            args.add(after[1]);
        }
        sql.append(" ORDER BY minted_at DESC, id DESC FETCH FIRST ")
                .append(limit + 1)
                .append(" ROWS ONLY");
        List<AuditRecord> items = select(sql.toString(), args);
        String next = null;
        if (items.size() > limit) {
            items = items.subList(0, limit);
            AuditRecord last = items.get(limit - 1);
            next = encode(last.mintedAt(), last.id());
        }
        return new Page(List.copyOf(items), next);
    }

    /** The record of a token, found by its keyed hash. */
    public List<AuditRecord> byTokenHash(String hash) {
        return select("SELECT " + COLUMNS + " FROM audit_record WHERE token_hash = ?", List.of(hash));
    }

    /** The audit id of the token that the token of record {@code id} renewed; null if it was a first mint. */
    public Long renewedFrom(long id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT renewed_from FROM audit_record WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    long v = rs.getLong(1);
                    return rs.wasNull() ? null : v;
                }
            }
        });
    }

    /** The audit ids of the tokens that renewed the token of record {@code id}, oldest first. */
    public List<Long> renewals(long id) {
        return store.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM audit_record WHERE renewed_from = ? ORDER BY id")) {
                ps.setLong(1, id);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            }
        });
    }

    /** The conversation the token of record {@code id} belongs to; null for a token minted alone. */
    public ConversationLink conversationOf(long id) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT conversation_id, conversation_languages FROM audit_record WHERE id = ?")) {
                ps.setLong(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? ConversationLink.of(rs.getString(1), rs.getString(2)) : null;
                }
            }
        });
    }

    /** The records of a conversation's tokens (renewals included), oldest first. */
    public List<AuditRecord> byConversation(String tenant, String conversationId) {
        return select(
                "SELECT " + COLUMNS + " FROM audit_record WHERE tenant_id = ? AND conversation_id = ? " + "ORDER BY id",
                List.of(tenant, conversationId));
    }

    public long count(String tenant) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM audit_record WHERE tenant_id = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private List<AuditRecord> select(String sql, List<Object> args) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<AuditRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        boolean echoNull = rs.getObject(9) == null;
                        out.add(new AuditRecord(
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getTimestamp(5).toInstant(),
                                rs.getString(6),
                                rs.getBoolean(7),
                                rs.getString(8),
                                echoNull ? null : rs.getBoolean(9),
                                rs.getInt(10),
                                rs.getTimestamp(11).toInstant(),
                                rs.getTimestamp(12).toInstant(),
                                rs.getString(13),
                                rs.getLong(14),
                                rs.getString(15),
                                rs.getString(16),
                                rs.getString(17),
                                rs.getObject(18) == null ? null : rs.getLong(18)));
                    }
                }
                return out;
            }
        });
    }

    static String encode(Instant at, long id) {
        String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
    }

    /** Earliest and latest instants a query may name: java.sql.Timestamp and both databases hold them. */
    static final Instant QUERY_MIN = Instant.parse("0001-01-01T00:00:00Z");

    static final Instant QUERY_MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

    /** Whether an instant can be used in a query (a time filter or a cursor) without overflowing. */
    public static boolean inQueryRange(Instant at) {
        return !at.isBefore(QUERY_MIN) && !at.isAfter(QUERY_MAX);
    }

    static Object[] decode(String cursor) {
        try {
            String[] p = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII).split(":");
            if (p.length != 3) {
                throw new BadCursor();
            }
            long nanos = Long.parseLong(p[1]);
            long id = Long.parseLong(p[2]);
            // A forged cursor may name any instant: only what encode() could have written is accepted.
            if (nanos < 0 || nanos > 999_999_999 || id < 0) {
                throw new BadCursor();
            }
            Instant at = Instant.ofEpochSecond(Long.parseLong(p[0]), nanos);
            if (!inQueryRange(at)) {
                throw new BadCursor();
            }
            return new Object[] {Timestamp.from(at), id};
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw new BadCursor();
        }
    }
}
