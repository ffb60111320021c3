package dev.livetoken.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;

/** The durable trail of text translations. All methods block: call them from a worker thread. */
@ApplicationScoped
public class TranslationAuditLog {

    private static final String COLUMNS = "id, tenant_id, subject, translated_at, model, source_language, "
            + "target_language, characters, output_characters, prompt_tokens, output_tokens, outcome, streamed, "
            + "policy_tenant, policy_version, request_id, text_hash";

    private final Store store;

    public TranslationAuditLog(Store store) {
        this.store = store;
    }

    /** Writes and commits one record; throws if it is not durably stored. */
    public void write(TranslationAuditRecord r) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO translation_audit (tenant_id, subject, "
                        + "translated_at, model, source_language, target_language, characters, output_characters, "
                        + "prompt_tokens, output_tokens, outcome, streamed, policy_tenant, policy_version, "
                        + "request_id, text_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.tenantId());
            ps.setString(2, r.subject());
            ps.setTimestamp(3, Timestamp.from(r.translatedAt()));
            ps.setString(4, r.model());
            ps.setString(5, r.sourceLanguageCode());
            ps.setString(6, r.targetLanguageCode());
            ps.setInt(7, r.characters());
            ps.setInt(8, r.outputCharacters());
            setInt(ps, 9, r.promptTokens());
            setInt(ps, 10, r.outputTokens());
            ps.setString(11, r.outcome());
            ps.setBoolean(12, r.streamed());
            ps.setString(13, r.policyTenant());
            ps.setLong(14, r.policyVersion());
            ps.setString(15, r.requestId());
            ps.setString(16, r.textHash());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** A tenant's records, newest first, at most {@code limit}. */
    public List<TranslationAuditRecord> recent(String tenant, int limit) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM translation_audit "
                        + "WHERE tenant_id = ? ORDER BY translated_at DESC, id DESC FETCH FIRST " + Math.max(1, limit)
                        + " ROWS ONLY")) {
            ps.setString(1, tenant);
            List<TranslationAuditRecord> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TranslationAuditRecord(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getTimestamp(4).toInstant(),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getInt(8),
                            rs.getInt(9),
                            (Integer) rs.getObject(10, Integer.class),
                            rs.getObject(11, Integer.class),
                            rs.getString(12),
                            rs.getBoolean(13),
                            rs.getString(14),
                            rs.getLong(15),
                            rs.getString(16),
                            rs.getString(17)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.INTEGER);
        } else {
            ps.setInt(i, v);
        }
    }
}
