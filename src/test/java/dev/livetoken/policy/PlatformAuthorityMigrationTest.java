package dev.livetoken.policy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading a store that holds blocks and disabled policies from before who-decided was recorded:
 * they count as the platform's, so a tenant-admin cannot lift them after the upgrade.
 */
class PlatformAuthorityMigrationTest {

    static final String URL = "jdbc:h2:mem:authority-migration;DB_CLOSE_DELAY=-1";

    static Flyway flyway(String target) {
        return Flyway.configure()
                .dataSource(URL, "sa", "")
                .locations("classpath:db/migration")
                .target(target)
                .load();
    }

    @Test
    void blocksAndDisablesFromBeforeTheUpgradeArePlatformDecisions() throws Exception {
        flyway("1").migrate();
        try (Connection c = DriverManager.getConnection(URL, "sa", "");
                Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO tenant_policy VALUES ('off', '{\"tenantId\":\"off\",\"enabled\":false}', 3, "
                    + "CURRENT_TIMESTAMP, 'root')");
            s.executeUpdate("INSERT INTO tenant_policy VALUES ('on', '{\"tenantId\":\"on\",\"enabled\":true}', 1, "
                    + "CURRENT_TIMESTAMP, 'ops')");
            s.executeUpdate("INSERT INTO mint_block VALUES ('acme', '*', NULL, CURRENT_TIMESTAMP, 'ops')");
        }
        flyway("latest").migrate();
        try (Connection c = DriverManager.getConnection(URL, "sa", "");
                Statement s = c.createStatement()) {
            List<String> policies = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(
                    "SELECT tenant_id, disabled_by, disabled_by_role FROM tenant_policy ORDER BY tenant_id")) {
                while (rs.next()) {
                    policies.add(rs.getString(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                }
            }
            assertThat(policies).containsExactly("off:root:platform-admin", "on:null:null");
            try (ResultSet rs = s.executeQuery("SELECT created_by, created_by_role FROM mint_block")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("ops");
                assertThat(rs.getString(2)).isEqualTo(PolicyStore.PLATFORM_ADMIN);
            }
        }
    }
}
