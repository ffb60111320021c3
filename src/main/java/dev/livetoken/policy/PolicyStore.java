package dev.livetoken.policy;

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

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;

/**
 * Durable tenant policies and kill-switch blocks (plain JDBC). Every write bumps the shared
 * {@code config_version} in the same transaction, which is how other replicas learn to drop their
 * caches. All methods block: call them from {@link Store#executor()}.
 */
@ApplicationScoped
public class PolicyStore {

    /**
     * A stored policy with its bookkeeping.
     *
     * @param disabled who turned the policy off, while it is off; null while it is enabled
     */
    public record Stored(TokenPolicy policy, Instant updatedAt, String updatedBy, SetBy disabled) {}

    /** Who made a decision, and with which role ({@code platform-admin} or {@code tenant-admin}). */
    public record SetBy(String subject, String role) {

        public boolean byPlatform() {
            return PLATFORM_ADMIN.equals(role);
        }
    }

    /**
     * A kill-switch entry; subject {@code *} blocks the whole tenant. {@code createdByRole} says whose
     * decision it is: only a platform-admin may lift a platform-admin's block.
     */
    public record Block(
            String tenantId, String subject, String reason, Instant createdAt, String createdBy, String createdByRole) {

        public boolean byPlatform() {
            return PLATFORM_ADMIN.equals(createdByRole);
        }
    }

    /** The block in force after a block call, and whether this call created it. */
    public record Blocked(Block block, boolean created) {}

    /** What an unblock call found. */
    public enum Unblocked {
        LIFTED,
        NOT_FOUND,
        PLATFORM_RESERVED
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

    /** Role names recorded with blocks and disables (the JWT group names). */
    public static final String PLATFORM_ADMIN = "platform-admin";

    public static final String TENANT_ADMIN = "tenant-admin";

    /**
     * Races between writers of the same row, not outages: a unique-key violation (two inserts of the
     * same block), serialization failures and deadlocks (PostgreSQL), concurrent update (H2).
     */
    private static final Set<String> RACES = Set.of("23505", "40001", "40P01", "90131");

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
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
                        "SELECT policy_json, version, updated_at, updated_by, disabled_by, disabled_by_role FROM tenant_policy "
                                + "WHERE tenant_id = ?")) {
            ps.setString(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(tenant, rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    public List<Stored> list(String onlyTenant) {
        String sql = "SELECT tenant_id, policy_json, version, updated_at, updated_by, disabled_by, disabled_by_role "
                + "FROM tenant_policy"
                + (onlyTenant == null ? "" : " WHERE tenant_id = ?") + " ORDER BY tenant_id";
        try (Connection c = store.connection();
                PreparedStatement ps = c.prepareStatement(sql)) {
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

    /**
     * Inserts a new policy as the operator's configuration (a disabled one counts as disabled by the
     * platform); false if the tenant already has one.
     */
    public boolean insert(TokenPolicy p, String by) {
        return insert(p, by, p.enabled() ? null : new SetBy(by, PLATFORM_ADMIN));
    }

    /** Inserts a new policy; false if the tenant already has one. {@code disabled}: who turned it off, if off. */
    public boolean insert(TokenPolicy p, String by, SetBy disabled) {
        try {
            return inTransaction(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO tenant_policy (tenant_id, policy_json, version, updated_at, updated_by, disabled_by, "
                                + "disabled_by_role) SELECT ?, ?, ?, ?, ?, ?, ? "
                                + "WHERE NOT EXISTS (SELECT 1 FROM tenant_policy WHERE tenant_id = ?)")) {
                    ps.setString(1, p.tenantId());
                    ps.setString(2, json(p));
                    ps.setLong(3, p.version());
                    ps.setTimestamp(4, Timestamp.from(Instant.now()));
                    ps.setString(5, by);
                    setDisabled(ps, 6, p, disabled);
                    ps.setString(8, p.tenantId());
                    if (ps.executeUpdate() == 0) {
                        return false;
                    }
                }
                bumpConfigVersion(c);
                return true;
            });
        } catch (StoreFailure e) {
            if (isUniqueViolation(e)) {
                return false; // another writer created it between our check and our insert
            }
            throw e;
        }
    }

    /** Replaces the policy if its stored version is {@code expectedVersion}. */
    public void update(TokenPolicy p, long expectedVersion, String by, SetBy disabled) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE tenant_policy SET policy_json = ?, version = ?, updated_at = ?, updated_by = ?, "
                            + "disabled_by = ?, disabled_by_role = ? WHERE tenant_id = ? AND version = ?")) {
                ps.setString(1, json(p));
                ps.setLong(2, p.version());
                ps.setTimestamp(3, Timestamp.from(Instant.now()));
                ps.setString(4, by);
                setDisabled(ps, 5, p, disabled);
                ps.setString(7, p.tenantId());
                ps.setLong(8, expectedVersion);
                if (ps.executeUpdate() == 0) {
                    throw new VersionConflict(currentVersion(c, p.tenantId()));
                }
            }
            bumpConfigVersion(c);
            return null;
        });
    }

    private static void setDisabled(PreparedStatement ps, int first, TokenPolicy p, SetBy disabled)
            throws SQLException {
        SetBy d = p.enabled() ? null : disabled;
        ps.setString(first, d == null ? null : d.subject());
        ps.setString(first + 1, d == null ? null : d.role());
    }

    public void delete(String tenant, long expectedVersion) {
        inTransaction(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM tenant_policy WHERE tenant_id = ? AND version = ?")) {
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
                PreparedStatement ps = c.prepareStatement("SELECT subject, reason, created_at, created_by, "
                        + "created_by_role FROM mint_block WHERE tenant_id = ? ORDER BY subject")) {
            ps.setString(1, tenant);
            List<Block> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(block(tenant, rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /**
     * Sets a block; idempotent. An existing block stays as it is (its time, author and reason), except
     * that a platform-admin's call takes over a tenant-admin's block, so the tenant-admin can no
     * longer lift it. Concurrent identical calls all succeed: exactly one creates the block.
     */
    public Blocked block(String tenant, String subject, String reason, String by, String role) {
        for (int attempt = 1; ; attempt++) {
            try {
                return inTransaction(c -> {
                    Block existing = findBlock(c, tenant, subject);
                    if (existing == null) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "INSERT INTO mint_block "
                                        + "(tenant_id, subject, reason, created_at, created_by, created_by_role) VALUES (?, ?, ?, ?, ?, ?)")) {
                            ps.setString(1, tenant);
                            ps.setString(2, subject);
                            ps.setString(3, reason);
                            ps.setTimestamp(4, Timestamp.from(Instant.now()));
                            ps.setString(5, by);
                            ps.setString(6, role);
                            ps.executeUpdate();
                        }
                        bumpConfigVersion(c);
                        return new Blocked(findBlock(c, tenant, subject), true);
                    }
                    if (PLATFORM_ADMIN.equals(role) && !existing.byPlatform()) {
                        try (PreparedStatement ps =
                                c.prepareStatement("UPDATE mint_block SET reason = ?, created_at = ?, "
                                        + "created_by = ?, created_by_role = ? WHERE tenant_id = ? AND subject = ?")) {
                            ps.setString(1, reason != null ? reason : existing.reason());
                            ps.setTimestamp(2, Timestamp.from(Instant.now()));
                            ps.setString(3, by);
                            ps.setString(4, role);
                            ps.setString(5, tenant);
                            ps.setString(6, subject);
                            ps.executeUpdate();
                        }
                        bumpConfigVersion(c);
                        return new Blocked(findBlock(c, tenant, subject), false);
                    }
                    return new Blocked(existing, false);
                });
            } catch (StoreFailure e) {
                // Another call wrote the same block between our read and our write: read it again.
                if (!isRace(e) || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** Lifts a block, unless it is a platform-admin's and the caller is not one. */
    public Unblocked unblock(String tenant, String subject, boolean byPlatform) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM mint_block WHERE tenant_id = ? AND subject = ?"
                    + (byPlatform ? "" : " AND created_by_role <> '" + PLATFORM_ADMIN + "'"))) {
                ps.setString(1, tenant);
                ps.setString(2, subject);
                if (ps.executeUpdate() == 0) {
                    return findBlock(c, tenant, subject) == null ? Unblocked.NOT_FOUND : Unblocked.PLATFORM_RESERVED;
                }
            }
            bumpConfigVersion(c);
            return Unblocked.LIFTED;
        });
    }

    private static Block findBlock(Connection c, String tenant, String subject) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT subject, reason, created_at, created_by, created_by_role "
                        + "FROM mint_block WHERE tenant_id = ? AND subject = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, subject);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? block(tenant, rs) : null;
            }
        }
    }

    private static Block block(String tenant, ResultSet rs) throws SQLException {
        return new Block(
                tenant,
                rs.getString(1),
                rs.getString(2),
                rs.getTimestamp(3).toInstant(),
                rs.getString(4),
                rs.getString(5));
    }

    private static boolean isRace(StoreFailure e) {
        return e.getCause() instanceof SQLException sql && RACES.contains(sql.getSQLState());
    }

    private static boolean isUniqueViolation(StoreFailure e) {
        return e.getCause() instanceof SQLException sql && "23505".equals(sql.getSQLState());
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
        try (PreparedStatement ps =
                c.prepareStatement("UPDATE config_version SET version = version + 1 WHERE id = 1")) {
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
        String disabledBy = rs.getString(first + 4);
        String disabledRole = rs.getString(first + 5);
        try {
            PolicyDocument doc = JSON.readValue(json, PolicyDocument.class);
            // Stored documents are complete, so "defaults" are never consulted; pass the document's own values.
            TokenPolicy p = doc.toPolicy(tenant, version, completeDefaults(doc, defaults), languages)
                    .policy();
            if (p == null) {
                throw new IllegalStateException("stored policy of tenant " + tenant + " no longer validates");
            }
            return new Stored(
                    p, at, by, p.enabled() || disabledBy == null ? null : new SetBy(disabledBy, disabledRole));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The document's own values as defaults. Documents stored before text translation existed have
     * no text fields: those take the configured defaults.
     */
    private static TokenPolicy completeDefaults(PolicyDocument d, DefaultPolicyConfig config) {
        return new TokenPolicy(
                d.tenantId() == null ? "?" : d.tenantId(),
                d.enabled(),
                d.model(),
                d.lockMode(),
                Set.copyOf(d.allowedTargetLanguages()),
                d.defaultTargetLanguage(),
                d.echoTargetLanguage(),
                d.echoOverridable(),
                d.defaultUses(),
                d.maxUses(),
                java.time.Duration.ofSeconds(d.tokenLifetimeSeconds()),
                java.time.Duration.ofSeconds(d.maxTokenLifetimeSeconds()),
                java.time.Duration.ofSeconds(d.newSessionWindowSeconds()),
                java.time.Duration.ofSeconds(d.maxNewSessionWindowSeconds()),
                d.userRatePerMinute(),
                d.tenantRatePerMinute(),
                d.userQuotaPerDay(),
                d.tenantQuotaPerDay(),
                0,
                d.textModel() != null ? d.textModel() : config.textModel(),
                d.userCharactersPerDay() != null ? d.userCharactersPerDay() : config.userCharactersPerDay(),
                d.tenantCharactersPerDay() != null ? d.tenantCharactersPerDay() : config.tenantCharactersPerDay(),
                // documents stored before interpreter conversations existed: interpreter off
                new InterpreterPolicy(
                        d.interpreterEnabled() != null && d.interpreterEnabled(),
                        d.interpreterModel() != null ? d.interpreterModel() : InterpreterPolicy.DEFAULT_MODEL,
                        d.interpreterInstructionTemplate()));
    }

    private static String json(TokenPolicy p) {
        try {
            return JSON.writeValueAsString(PolicyDocument.of(p, null, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
