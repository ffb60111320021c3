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
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.livetoken.languages.LanguageCatalog;
import dev.livetoken.limits.LiveTokens;
import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;

/**
 * Durable tenant policies (plain JDBC; kill-switch blocks are {@link BlockStore}'s). Every write bumps the shared
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

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Store store;
    private final LanguageCatalog languages;
    private final DefaultPolicyConfig defaults;
    /** {@code livetoken.default-policy.*} as a policy (validated at startup by {@link PolicyService}). */
    private volatile TokenPolicy configured;

    PolicyStore(Store store, LanguageCatalog languages, DefaultPolicyConfig defaults) {
        this.store = store;
        this.languages = languages;
        this.defaults = defaults;
    }

    public Optional<Stored> find(String tenant) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT policy_json, version, updated_at, updated_by, disabled_by, disabled_by_role FROM tenant_policy "
                            + "WHERE tenant_id = ?")) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(tenant, rs)) : Optional.<Stored>empty();
                }
            }
        });
    }

    public List<Stored> list(String onlyTenant) {
        String sql = "SELECT tenant_id, policy_json, version, updated_at, updated_by, disabled_by, disabled_by_role "
                + "FROM tenant_policy"
                + (onlyTenant == null ? "" : " WHERE tenant_id = ?") + " ORDER BY tenant_id";
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
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
            }
        });
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
            return store.inTransaction(c -> {
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
                createLiveTokenLocks(c, p);
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
        store.inTransaction(c -> {
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
            createLiveTokenLocks(c, p);
            bumpConfigVersion(c);
            return null;
        });
    }

    /**
     * A policy that caps the tenant's live tokens brings the lock row its mints take, in its own
     * transaction: the mint path then never creates it (see {@link LiveTokens}). The {@code default}
     * policy names no tenant of its own; its tenants' rows are made by their first capped mint.
     */
    private static void createLiveTokenLocks(Connection c, TokenPolicy p) throws SQLException {
        if (!TokenPolicy.DEFAULT_TENANT.equals(p.tenantId())) {
            LiveTokens.createLocks(c, p.tenantId(), p.sessionLimits());
        }
    }

    private static void setDisabled(PreparedStatement ps, int first, TokenPolicy p, SetBy disabled)
            throws SQLException {
        SetBy d = p.enabled() ? null : disabled;
        ps.setString(first, d == null ? null : d.subject());
        ps.setString(first + 1, d == null ? null : d.role());
    }

    public void delete(String tenant, long expectedVersion) {
        store.inTransaction(c -> {
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

    private static boolean isUniqueViolation(StoreFailure e) {
        return "23505".equals(e.sqlState());
    }

    /** The shared change counter: any change anywhere moves it. */
    public long configVersion() {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT version FROM config_version WHERE id = 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** Moves the shared change counter, in the caller's transaction (policy and block writes). */
    static void bumpConfigVersion(Connection c) throws SQLException {
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
            // A stored document has every field it had when it was written; fields added to policies
            // since then (the text-translation ones, say) take the configured defaults.
            TokenPolicy p = doc.toPolicy(tenant, version, configuredDefaults(), languages)
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

    private TokenPolicy configuredDefaults() {
        TokenPolicy d = configured;
        if (d == null) {
            d = PolicyService.fromConfig(defaults, languages);
            configured = d;
        }
        return d;
    }

    private static String json(TokenPolicy p) {
        try {
            return JSON.writeValueAsString(PolicyDocument.of(p, null, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
