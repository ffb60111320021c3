package dev.livetoken.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Durable tenant policies and kill-switch blocks (plain JDBC). Every write bumps the shared
 * {@code config_version} in the same transaction, which is how other replicas learn to drop their
 * caches. All methods block: call them from {@link Store#executor()}.
 */
@ApplicationScoped
public class PolicyStore {

    /** A stored policy with its bookkeeping. */
    public record Stored(TokenPolicy policy, Instant updatedAt, String updatedBy) {
    }

    /** A kill-switch entry; subject {@code *} blocks the whole tenant. */
    public record Block(String tenantId, String subject, String reason, Instant createdAt, String createdBy) {
    }

    /** Thrown when the stored version is not the one the writer read. */
    public static final class VersionConflict extends RuntimeException {
        public final long current;

        VersionConflict(long current) {
            super(null, null, false, false);
            this.current = current;
        }
    }

    public static final String WHOLE_TENANT = "*";

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Store store;
    private final LanguageCatalog languages;
    private final DefaultPolicyConfig defaults;

    PolicyStore(Store store, LanguageCatalog languages, DefaultPolicyConfig defaults) {
        this.store = store;
        this.languages = languages;
        this.defaults = defaults;
    }

    public Optional<Stored> find(String tenant) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT policy_json, version, updated_at, updated_by FROM tenant_policy WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(tenant, rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    public List<Stored> list(String onlyTenant) {
        String sql = "SELECT tenant_id, policy_json, version, updated_at, updated_by FROM tenant_policy"
                + (onlyTenant == null ? "" : " WHERE tenant_id = ?") + " ORDER BY tenant_id";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (onlyTenant != null) {
                ps.setString(1, onlyTenant);
            }
            List<Stored> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs.getString(1), rs, 2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** Inserts a new policy; false if the tenant already has one. */
    public boolean insert(TokenPolicy p, String by) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO tenant_policy (tenant_id, policy_json, version, updated_at, updated_by) "
                            + "SELECT ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM tenant_policy WHERE tenant_id = ?)")) {
                ps.setString(1, p.tenantId());
                ps.setString(2, json(p));
                ps.setLong(3, p.version());
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.setString(5, by);
                ps.setString(6, p.tenantId());
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            bumpConfigVersion(c);
            return true;
        });
    }

    /** Replaces the policy if its stored version is {@code expectedVersion}. */
    public void update(TokenPolicy p, long expectedVersion, String by) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE tenant_policy SET policy_json = ?, version = ?, updated_at = ?, updated_by = ? "
                            + "WHERE tenant_id = ? AND version = ?")) {
                ps.setString(1, json(p));
                ps.setLong(2, p.version());
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.setString(4, by);
                ps.setString(5, p.tenantId());
                ps.setLong(6, expectedVersion);
                if (ps.executeUpdate() == 0) {
                    throw new VersionConflict(currentVersion(c, p.tenantId()));
                }
            }
            bumpConfigVersion(c);
            return null;
        });
    }

    public void delete(String tenant, long expectedVersion) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM tenant_policy WHERE tenant_id = ? AND version = ?")) {
                ps.setString(1, tenant);
                ps.setLong(2, expectedVersion);
                if (ps.executeUpdate() == 0) {
                    throw new VersionConflict(currentVersion(c, tenant));
                }
            }
            bumpConfigVersion(c);
            return null;
        });
    }

    public Set<String> blockedSubjects(String tenant) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT subject FROM mint_block WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            Set<String> out = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    public List<Block> blocks(String tenant) {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT subject, reason, created_at, created_by "
                        + "FROM mint_block WHERE tenant_id = ? ORDER BY subject")) {
            ps.setString(1, tenant);
            List<Block> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Block(tenant, rs.getString(1), rs.getString(2),
                            rs.getTimestamp(3).toInstant(), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** Adds or refreshes a block; returns true when it is new. */
    public boolean block(String tenant, String subject, String reason, String by) {
        return inTransaction(c -> {
            boolean created;
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM mint_block WHERE tenant_id = ? AND subject = ?")) {
                del.setString(1, tenant);
                del.setString(2, subject);
                created = del.executeUpdate() == 0;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO mint_block "
                    + "(tenant_id, subject, reason, created_at, created_by) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, tenant);
                ps.setString(2, subject);
                ps.setString(3, reason);
                ps.setTimestamp(4, Timestamp.from(Instant.now()));
                ps.setString(5, by);
                ps.executeUpdate();
            }
            bumpConfigVersion(c);
            return created;
        });
    }

    public boolean unblock(String tenant, String subject) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM mint_block WHERE tenant_id = ? AND subject = ?")) {
                ps.setString(1, tenant);
                ps.setString(2, subject);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            bumpConfigVersion(c);
            return true;
        });
    }

    /** The shared change counter: any change anywhere moves it. */
    public long configVersion() {
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement("SELECT version FROM config_version WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private static void bumpConfigVersion(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE config_version SET version = version + 1 WHERE id = 1")) {
            ps.executeUpdate();
        }
    }

    private static long currentVersion(Connection c, String tenant) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM tenant_policy WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) {
        try (Connection c = store.connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private Stored read(String tenant, ResultSet rs) throws SQLException {
        return read(tenant, rs, 1);
    }

    private Stored read(String tenant, ResultSet rs, int first) throws SQLException {
        String json = rs.getString(first);
        long version = rs.getLong(first + 1);
        Instant at = rs.getTimestamp(first + 2).toInstant();
        String by = rs.getString(first + 3);
        try {
            PolicyDocument doc = JSON.readValue(json, PolicyDocument.class);
            // Stored documents are complete, so "defaults" are never consulted; pass the document's own values.
            TokenPolicy p = doc.toPolicy(tenant, version, completeDefaults(doc, defaults), languages).policy();
            if (p == null) {
                throw new IllegalStateException("stored policy of tenant " + tenant + " no longer validates");
            }
            return new Stored(p, at, by);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The document's own values as defaults. Documents stored before text translation existed have
     * no text fields: those take the configured defaults.
     */
    private static TokenPolicy completeDefaults(PolicyDocument d, DefaultPolicyConfig config) {
        return new TokenPolicy(d.tenantId() == null ? "?" : d.tenantId(), d.enabled(), d.model(), d.lockMode(),
                Set.copyOf(d.allowedTargetLanguages()), d.defaultTargetLanguage(), d.echoTargetLanguage(),
                d.echoOverridable(), d.defaultUses(), d.maxUses(),
                java.time.Duration.ofSeconds(d.tokenLifetimeSeconds()), java.time.Duration.ofSeconds(d.maxTokenLifetimeSeconds()),
                java.time.Duration.ofSeconds(d.newSessionWindowSeconds()), java.time.Duration.ofSeconds(d.maxNewSessionWindowSeconds()),
                d.userRatePerMinute(), d.tenantRatePerMinute(), d.userQuotaPerDay(), d.tenantQuotaPerDay(), 0,
                d.textModel() != null ? d.textModel() : config.textModel(),
                d.userCharactersPerDay() != null ? d.userCharactersPerDay() : config.userCharactersPerDay(),
                d.tenantCharactersPerDay() != null ? d.tenantCharactersPerDay() : config.tenantCharactersPerDay());
    }

    private static String json(TokenPolicy p) {
        try {
            return JSON.writeValueAsString(PolicyDocument.of(p, null, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
