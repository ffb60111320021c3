package dev.livetoken.store;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Group commit on a real (in-memory) H2: many units share one transaction, each is still all or
 * nothing on its own, nobody hears "done" before the commit, and store trouble fails every unit it
 * touched, visibly.
 */
class GroupCommitTest {

    private static int databases;
    private String url;
    private Connection keeper;
    private GroupCommit group;

    @BeforeEach
    void database() throws SQLException {
        url = "jdbc:h2:mem:group-commit-" + (databases++) + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=300";
        keeper = DriverManager.getConnection(url);
        try (Statement s = keeper.createStatement()) {
            s.execute("CREATE TABLE item (name VARCHAR(50) PRIMARY KEY, n INT)");
        }
    }

    @AfterEach
    void close() throws SQLException {
        if (group != null) {
            group.close();
        }
        keeper.close();
    }

    private Connection open() {
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
    }

    private static StoreWork<String> insert(String name) {
        return c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name, n) VALUES (?, 1)")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return name;
        };
    }

    private List<String> committed() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = keeper.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM item ORDER BY name")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Holds the single writer inside a first unit until released, so the next units queue up as one batch. */
    private CountDownLatch holdWriter(CountDownLatch inside) {
        CountDownLatch release = new CountDownLatch(1);
        group.submit(new GroupCommit.Lane("t", "hold"), c -> {
            inside.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        return release;
    }

    @Test
    void aUnitThrowingAnErrorLeavesNothingOfItsBatchCommitted() throws Exception {
        group = new GroupCommit(this::open, 1, 64, 1000);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = holdWriter(inside);
        inside.await(5, TimeUnit.SECONDS);
        CompletableFuture<String> before = group.submit(new GroupCommit.Lane("t", "a"), insert("before"));
        CompletableFuture<String> broken = group.submit(new GroupCommit.Lane("t", "b"), c -> {
            insert("half-done").run(c);
            throw new AssertionError("a unit that dies with an Error, not an exception");
        });
        release.countDown();
        assertThatThrownBy(() -> before.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreFailure.class);
        assertThatThrownBy(() -> broken.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreFailure.class);
        // Both were told they failed, so neither may be in the table (switching autocommit back on
        // after the Error used to commit them).
        assertThat(committed()).isEmpty();
    }

    @Test
    void concurrentUnitsShareOneCommitAndAreVisibleWhenTheirFuturesComplete() throws Exception {
        group = new GroupCommit(this::open, 1, 64, 1000);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = holdWriter(inside);
        inside.await(5, TimeUnit.SECONDS);
        List<CompletableFuture<String>> units = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            units.add(group.submit(new GroupCommit.Lane("t", "u" + i), insert("item-" + i)));
        }
        assertThat(committed()).isEmpty();
        assertThat(units).noneMatch(CompletableFuture::isDone);
        release.countDown();
        for (int i = 0; i < 20; i++) {
            assertThat(units.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("item-" + i);
        }
        assertThat(committed()).hasSize(20);
        // the holding unit's batch, then one batch for all twenty
        assertThat(group.batches()).isEqualTo(2);
    }

    @Test
    void aFailingUnitFailsAloneWithItsOwnErrorAndLeavesNothingBehind() throws Exception {
        group = new GroupCommit(this::open, 1, 64, 1000);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = holdWriter(inside);
        inside.await(5, TimeUnit.SECONDS);
        var before = group.submit(new GroupCommit.Lane("t", "a"), insert("a"));
        var failing = group.submit(new GroupCommit.Lane("t", "b"), c -> {
            insert("b-partial").run(c);
            throw new IllegalStateException("refused");
        });
        var duplicate = group.submit(new GroupCommit.Lane("t", "c"), c -> {
            insert("c-partial").run(c);
            return insert("a").run(c); // primary-key violation: an SQL failure of this unit only
        });
        var after = group.submit(new GroupCommit.Lane("t", "d"), insert("d"));
        release.countDown();

        assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("d");
        assertThatThrownBy(() -> failing.join()).hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> duplicate.join())
                .cause()
                .isInstanceOf(StoreFailure.class)
                .satisfies(e -> assertThat(((StoreFailure) e).sqlState()).isEqualTo("23505"));
        assertThat(committed()).containsExactly("a", "d");
    }

    @Test
    void aFailedCommitFailsEveryUnitOfTheBatchAndNoneIsTreatedAsDone() throws Exception {
        AtomicBoolean commitFails = new AtomicBoolean(true);
        Supplier<Connection> failingCommits = () -> {
            Connection real = open();
            return (Connection) Proxy.newProxyInstance(
                    getClass().getClassLoader(), new Class<?>[] {Connection.class}, (proxy, m, args) -> {
                        if (m.getName().equals("commit") && commitFails.get()) {
                            throw new SQLException("disk full", "53100");
                        }
                        try {
                            return m.invoke(real, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        };
        group = new GroupCommit(failingCommits, 1, 64, 1000);
        List<CompletableFuture<String>> units = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            units.add(group.submit(new GroupCommit.Lane("t", "u" + i), insert("x" + i)));
        }
        for (var u : units) {
            assertThatThrownBy(u::join)
                    .isInstanceOf(CompletionException.class)
                    .cause()
                    .isInstanceOf(StoreFailure.class);
        }
        assertThat(committed()).isEmpty();
        // The writer survives a failed batch and goes on committing.
        commitFails.set(false);
        assertThat(group.submit(new GroupCommit.Lane("t", "later"), insert("later"))
                        .get(5, TimeUnit.SECONDS))
                .isEqualTo("later");
        assertThat(committed()).containsExactly("later");
    }

    @Test
    void aStalledStoreFailsTheUnitsWithinTheStatementBoundInsteadOfHoldingThem() throws Exception {
        group = new GroupCommit(this::open, 1, 64, 1000);
        try (Statement s = keeper.createStatement()) {
            s.execute("INSERT INTO item (name, n) VALUES ('hot', 0)");
        }
        try (Connection locker = open()) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.executeUpdate("UPDATE item SET n = n + 1 WHERE name = 'hot'");
            }
            long start = System.nanoTime();
            var stalled = group.submit(new GroupCommit.Lane("t", "a"), c -> {
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("UPDATE item SET n = n + 1 WHERE name = 'hot'");
                }
            });
            assertThatThrownBy(() -> stalled.get(5, TimeUnit.SECONDS)).cause().isInstanceOf(StoreFailure.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(3000);
            locker.rollback();
        }
        assertThat(group.submit(new GroupCommit.Lane("t", "b"), insert("b")).get(5, TimeUnit.SECONDS))
                .isEqualTo("b");
    }

    @Test
    void aFullQueueRefusesAtOnceWithAStoreFailure() throws Exception {
        group = new GroupCommit(this::open, 1, 64, 2);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = holdWriter(inside);
        inside.await(5, TimeUnit.SECONDS);
        var one = group.submit(new GroupCommit.Lane("t", "1"), insert("1"));
        var two = group.submit(new GroupCommit.Lane("t", "2"), insert("2"));
        var three = group.submit(new GroupCommit.Lane("t", "3"), insert("3"));
        assertThat(three).isCompletedExceptionally();
        assertThatThrownBy(three::join).cause().isInstanceOf(StoreFailure.class).hasMessageContaining("queue is full");
        release.countDown();
        assertThat(one.get(5, TimeUnit.SECONDS)).isEqualTo("1");
        assertThat(two.get(5, TimeUnit.SECONDS)).isEqualTo("2");
    }

    @Test
    void oneTenantsUnitsAlwaysGoToTheSameWriter() throws Exception {
        group = new GroupCommit(this::open, 4, 64, 1000);
        List<CompletableFuture<String>> threads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            threads.add(group.submit(
                    new GroupCommit.Lane("tenant-7", "u" + i),
                    c -> Thread.currentThread().getName()));
        }
        List<String> names =
                threads.stream().map(CompletableFuture::join).distinct().toList();
        assertThat(names).hasSize(1);
        assertThat(names.get(0)).startsWith("livetoken-group-commit-");
    }
}
