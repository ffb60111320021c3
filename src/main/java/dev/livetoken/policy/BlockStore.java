package dev.livetoken.policy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import dev.livetoken.store.Store;
import dev.livetoken.store.StoreFailure;

/**
 * Durable kill-switch blocks (plain JDBC). Every write bumps the shared {@code config_version} in
 * the same transaction, which is how other replicas learn to drop their caches. All methods block:
 * call them from {@link Store#executor()}.
 */
@ApplicationScoped
public class BlockStore {

    /**
     * A kill-switch entry; subject {@code *} blocks the whole tenant. {@code createdByRole} says whose
     * decision it is: only a platform-admin may lift a platform-admin's block.
     */
    public record Block(
            String tenantId, String subject, String reason, Instant createdAt, String createdBy, String createdByRole) {

        public boolean byPlatform() {
            return PolicyStore.PLATFORM_ADMIN.equals(createdByRole);
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

    /**
     * Races between writers of the same block, not outages: a unique-key violation (two inserts of
     * the same block), serialization failures and deadlocks (PostgreSQL), concurrent update (H2).
     */
    private static final Set<String> RACES = Set.of("23505", "40001", "40P01", "90131");

    private final Store store;

    BlockStore(Store store) {
        this.store = store;
    }

    public Set<String> blockedSubjects(String tenant) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT subject FROM mint_block WHERE tenant_id = ?")) {
                ps.setString(1, tenant);
                Set<String> out = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    public List<Block> blocks(String tenant) {
        return store.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT subject, reason, created_at, created_by, "
                    + "created_by_role FROM mint_block WHERE tenant_id = ? ORDER BY subject")) {
                ps.setString(1, tenant);
                List<Block> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(block(tenant, rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Sets a block; idempotent. An existing block stays as it is (its time, author and reason), except
     * that a platform-admin's call takes over a tenant-admin's block, so the tenant-admin can no
     * longer lift it. Concurrent identical calls all succeed: exactly one creates the block.
     */
    public Blocked block(String tenant, String subject, String reason, String by, String role) {
        for (int attempt = 1; ; attempt++) {
            try {
                return store.inTransaction(c -> {
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
                        PolicyStore.bumpConfigVersion(c);
                        return new Blocked(findBlock(c, tenant, subject), true);
                    }
                    if (PolicyStore.PLATFORM_ADMIN.equals(role) && !existing.byPlatform()) {
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
                        PolicyStore.bumpConfigVersion(c);
                        return new Blocked(findBlock(c, tenant, subject), false);
                    }
                    return new Blocked(existing, false);
                });
            } catch (StoreFailure e) {
                // Another call wrote the same block between our read and our write: read it again.
                if (!RACES.contains(e.sqlState()) || attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    /** Lifts a block, unless it is a platform-admin's and the caller is not one. */
    public Unblocked unblock(String tenant, String subject, boolean byPlatform) {
        return store.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM mint_block WHERE tenant_id = ? AND subject = ?"
                    + (byPlatform ? "" : " AND created_by_role <> '" + PolicyStore.PLATFORM_ADMIN + "'"))) {
                ps.setString(1, tenant);
                ps.setString(2, subject);
                if (ps.executeUpdate() == 0) {
                    return findBlock(c, tenant, subject) == null ? Unblocked.NOT_FOUND : Unblocked.PLATFORM_RESERVED;
                }
            }
            PolicyStore.bumpConfigVersion(c);
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
}
