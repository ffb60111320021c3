package dev.livetoken.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.runtime.AgroalDataSourceUtil;
import io.quarkus.runtime.StartupEvent;

/**
 * The active datasource (PostgreSQL or embedded H2, see {@link StoreSelection}), the one way to run
 * JDBC work ({@link #read}, {@link #inTransaction}, {@link #groupCommit}: each turns an
 * {@link SQLException} into a {@link StoreFailure}, i.e. a 503) and the threads it runs on. Every
 * connection it hands out is bounded: a statement or lock wait longer than
 * {@code livetoken.store.statement-timeout} fails, so a stalled store frees its threads and
 * connections instead of piling them up.
 * <p>
 * <b>The executor rule</b> (every request path follows it):
 * <ol>
 * <li>Request work that does not block (JWT, policy from the cache, planning, the upstream HTTP
 * call, the answer) runs on the request's Vert.x event loop.</li>
 * <li>JDBC runs only on the store's threads: a mint's transactions (reservation, audit record,
 * give-back) on the group-commit writers ({@link #groupCommit}); everything else (cache loads, admin
 * reads and writes, background jobs) on {@link #executor()}'s virtual threads. Never on an event loop
 * and never on Vert.x worker threads.</li>
 * <li>A store result comes back to the request's own event-loop context in one hop
 * ({@code Context.runOnContext}), and none when the code is already there.</li>
 * </ol>
 * So a warm mint crosses threads four times (to a writer and back, twice) and uses two executors.
 */
@ApplicationScoped
public class Store {

    private static final Logger LOG = Logger.getLogger(Store.class);
    private volatile AgroalDataSource dataSource;
    private volatile String kind;
    private final StoreConfig config;
    /** Physical connections whose session already carries our timeouts (weak: the pool owns them). */
    private final Cache<Connection, Boolean> bounded =
            Caffeine.newBuilder().weakKeys().build();
    /** JDBC blocks; virtual threads park cheaply while the pool or the database makes them wait. */
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("livetoken-jdbc-", 0).factory());

    private volatile GroupCommit group;

    Store(StoreConfig config) {
        this.config = config;
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        GroupCommit g = group;
        if (g != null) {
            g.close();
            LOG.infof("Group commit: %d units in %d transactions", g.units(), g.batches());
        }
    }

    void announce(@Observes StartupEvent ev) {
        if (kind().equals("embedded-h2")) {
            LOG.infof("Store: embedded-h2, every commit written to the file before it returns (%s)", durableCommits());
        } else {
            LOG.infof("Store: %s", kind());
        }
    }

    /**
     * H2 writes commits from a background thread every WRITE_DELAY ms (500 by default), so a kill -9
     * loses the last half second of committed mints. With 0 the committing thread writes the commit
     * to the file itself before commit returns (MVStore.commit, no fsync); the datasource URL sets it,
     * and this makes sure of it in case the URL was overridden.
     */
    private String durableCommits() {
        try (Connection c = connection();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = 'WRITE_DELAY'")) {
                if (rs.next() && "0".equals(rs.getString(1))) {
                    return "WRITE_DELAY=0";
                }
            }
            s.execute("SET WRITE_DELAY 0");
            return "WRITE_DELAY was not 0 in the URL; set to 0";
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot make the embedded store's commits durable (SQLState " + e.getSQLState() + ")", e);
        }
    }

    public AgroalDataSource dataSource() {
        AgroalDataSource ds = dataSource;
        if (ds == null) {
            var pg = AgroalDataSourceUtil.dataSourceIfActive("<default>");
            if (pg.isPresent()) {
                kind = "postgresql";
                ds = pg.get();
            } else {
                kind = "embedded-h2";
                ds = AgroalDataSourceUtil.dataSourceIfActive("embedded")
                        .orElseThrow(() -> new IllegalStateException("no active datasource"));
            }
            dataSource = ds;
        }
        return ds;
    }

    /** {@code postgresql} or {@code embedded-h2}. */
    public String kind() {
        dataSource();
        return kind;
    }

    /**
     * A pooled connection whose statements and lock waits are bounded by
     * {@code livetoken.store.statement-timeout}; waiting for one is bounded by the pool's
     * acquisition timeout ({@code livetoken.store.acquisition-timeout}).
     */
    public Connection connection() throws SQLException {
        Connection c = dataSource().getConnection();
        try {
            Connection physical = c.unwrap(Connection.class);
            if (bounded.getIfPresent(physical) == null) {
                bound(c);
                bounded.put(physical, Boolean.TRUE);
            }
            return c;
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * Session settings, once per physical connection (not per checkout: that would cost a round
     * trip per transaction). Not in the pool's new-connection SQL, because Flyway's migrations use
     * the same pool at startup and must not be cut short by a mint-sized timeout.
     */
    private void bound(Connection c) throws SQLException {
        long ms = Math.max(1, config.statementTimeout().toMillis());
        try (Statement s = c.createStatement()) {
            if (kind().equals("postgresql")) {
                // statement_timeout counts lock waits too
                s.execute("SET statement_timeout = " + ms);
            } else {
                // H2 waits for a row lock under LOCK_TIMEOUT, which QUERY_TIMEOUT does not cover
                s.execute("SET QUERY_TIMEOUT " + ms);
                s.execute("SET LOCK_TIMEOUT " + ms);
            }
        }
    }

    /** Runs {@code work} on an autocommit connection (reads, single statements). Blocks. */
    public <T> T read(StoreWork<T> work) {
        try (Connection c = connection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /**
     * Runs {@code work} in a transaction of its own: committed when it returns, rolled back when it
     * throws (its exception is rethrown, an {@link SQLException} as a {@link StoreFailure}). Blocks.
     */
    public <T> T inTransaction(StoreWork<T> work) {
        try (Connection c = connection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                // Error too: setAutoCommit(true) below would otherwise commit the half-done work.
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /**
     * Runs {@code work} as one unit of a group commit ({@link GroupCommit}): in a transaction shared
     * with other concurrent units, committed before the future completes. Does not block; the
     * future completes on a writer thread, so hop back to the caller's context before going on.
     */
    public <T> CompletableFuture<T> groupCommit(GroupCommit.Lane lane, StoreWork<T> work) {
        return group().submit(lane, work);
    }

    private GroupCommit group() {
        GroupCommit g = group;
        if (g == null) {
            synchronized (this) {
                g = group;
                if (g == null) {
                    StoreConfig.GroupCommitConfig gc = config.groupCommit();
                    int writers = gc.writers().orElse(kind().equals("postgresql") ? 4 : 1);
                    g = new GroupCommit(this::uncheckedConnection, writers, gc.maxBatch(), gc.maxQueued());
                    group = g;
                }
            }
        }
        return g;
    }

    private Connection uncheckedConnection() {
        try {
            return connection();
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    /** Transactions the group commit has committed so far (for tests and the benchmark's counts). */
    public int groupCommits() {
        GroupCommit g = group;
        return g == null ? 0 : g.batches();
    }

    /** The store's time limits (the mint budget among them). */
    public StoreConfig config() {
        return config;
    }

    /** Virtual threads for JDBC work outside the group commit (see the executor rule above). */
    public Executor executor() {
        return executor;
    }
}
