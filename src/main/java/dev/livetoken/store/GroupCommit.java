package dev.livetoken.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Group commit: the small transactions of many concurrent mints (reservations, audit records,
 * give-backs), called units, run together in one database transaction with one commit. A commit is
 * what costs (on the embedded store each one writes a chunk to the file before it returns,
 * {@code WRITE_DELAY=0}; on PostgreSQL each waits for its WAL flush), so N mints in flight pay
 * about one commit instead of N.
 * <p>
 * The guarantees of a unit are those of its own transaction:
 * <ul>
 * <li><b>Committed before it is answered.</b> A unit's future completes only after the commit that
 * holds it has returned, so nothing is handed out before it is durable (and {@code
 * EmbeddedStoreCrashIT} still holds through kill -9).</li>
 * <li><b>All or nothing, alone.</b> Each unit runs inside its own savepoint: a unit that throws (a
 * limit refusal, a failing statement) is rolled back to it and fails alone, with its own exception;
 * the others carry on. If the transaction as a whole fails (the commit, the connection), every unit
 * in it fails with a {@link StoreFailure}: nobody is told "done" for work that was not committed.</li>
 * <li><b>Deadlock-free.</b> Units name a lock order ({@link Lane}): a batch runs its units sorted by
 * it, and every writer owns the lanes that hash to it, so units of the same tenant never wait on
 * each other across writers, and batches on different replicas take the same rows in the same
 * order. A batch that still loses a race (deadlock, serialization failure, duplicate insert) is
 * retried one unit per transaction.</li>
 * <li><b>Bounded.</b> Every statement is bounded by the store's statement timeout, so a stalled
 * store fails the batch instead of holding its units forever; a full queue refuses new units at
 * once ({@code 503}). Callers wait no longer than their own budget either way.</li>
 * </ul>
 * Writers are platform threads that only run JDBC; they complete futures and never run a caller's
 * continuation (callers hop back to their own event loop, see {@link Store}).
 */
public final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupCommit.class);

    /** SQLStates of races between transactions, not outages: worth one more try, one unit at a time. */
    static final Set<String> RACES = Set.of("23505", "40001", "40P01", "90131");

    /**
     * Where a unit belongs: {@code tenant} picks its writer (so one tenant's counters are only ever
     * locked by one writer of this replica) and, with {@code subject}, its place in the batch.
     */
    public record Lane(String tenant, String subject) {
        static final Comparator<Lane> ORDER = Comparator.comparing(Lane::tenant).thenComparing(Lane::subject);

        public Lane {
            tenant = tenant == null ? "" : tenant;
            subject = subject == null ? "" : subject;
        }
    }

    private record Unit<T>(Lane lane, StoreWork<T> work, CompletableFuture<T> done) {
        void finish(Object result) {
            @SuppressWarnings("unchecked")
            T t = (T) result;
            done.complete(t);
        }
    }

    private final Supplier<Connection> connections;
    private final Writer[] writers;
    private final int maxBatch;
    private final int maxQueued;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicLong units = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param connections where a batch gets its connection (each call one connection, closed after
     *                    the batch); it may throw {@link StoreFailure}
     */
    public GroupCommit(Supplier<Connection> connections, int writers, int maxBatch, int maxQueued) {
        this.connections = connections;
        this.maxBatch = Math.max(1, maxBatch);
        this.maxQueued = Math.max(1, maxQueued);
        this.writers = new Writer[Math.max(1, writers)];
        for (int i = 0; i < this.writers.length; i++) {
            this.writers[i] = new Writer(i);
        }
    }

    /**
     * Queues a unit; the future completes once the unit's transaction has committed (with the unit's
     * result) or failed ({@link StoreFailure} for store trouble, or whatever the unit threw). It is
     * completed on a writer thread: continue elsewhere, never block a writer.
     */
    public <T> CompletableFuture<T> submit(Lane lane, StoreWork<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new StoreFailure("the store is shutting down"));
            return done;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            done.completeExceptionally(new StoreFailure("the store's group-commit queue is full"));
            return done;
        }
        writers[Math.floorMod(lane.tenant().hashCode(), writers.length)].queue.add(new Unit<>(lane, work, done));
        return done;
    }

    /** Transactions committed so far (one per batch; a retried batch counts its single-unit ones too). */
    public int batches() {
        return batches.get();
    }

    /** Units that ran in a committed transaction (their own outcome either way). */
    public long units() {
        return units.get();
    }

    @Override
    public void close() {
        closed = true;
        for (Writer w : writers) {
            w.thread.interrupt();
        }
    }

    private static final class WriterThread extends Thread {
        WriterThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }
    }

    private final class Writer implements Runnable {
        final LinkedBlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
        final Thread thread;

        Writer(int index) {
            thread = new WriterThread(this, "livetoken-group-commit-" + index);
            thread.start();
        }

        @Override
        public void run() {
            List<Unit<?>> batch = new ArrayList<>(maxBatch);
            while (!closed) {
                try {
                    batch.add(queue.take());
                } catch (InterruptedException e) {
                    break;
                }
                queue.drainTo(batch, maxBatch - 1);
                queued.addAndGet(-batch.size());
                try {
                    runBatch(batch);
                } catch (Throwable t) { // never let one batch end the writer
                    failAll(
                            batch,
                            t instanceof StoreFailure sf
                                    ? sf
                                    : new StoreFailure("group commit failed: "
                                            + t.getClass().getSimpleName()));
                    LOG.errorf(
                            "Group commit batch failed unexpectedly (%s)",
                            t.getClass().getSimpleName());
                }
                batch.clear();
            }
            List<Unit<?>> left = new ArrayList<>();
            queue.drainTo(left);
            failAll(left, new StoreFailure("the store is shutting down"));
        }
    }

    private void runBatch(List<Unit<?>> batch) {
        if (batch.size() > 1) {
            batch.sort(Comparator.comparing(Unit::lane, Lane.ORDER));
        }
        try {
            commitTogether(batch);
        } catch (StoreFailure e) {
            if (batch.size() > 1 && RACES.contains(e.sqlState())) {
                // Lost a race with another replica's transaction: no unit was committed; try each alone.
                for (Unit<?> u : batch) {
                    try {
                        commitTogether(List.of(u));
                    } catch (StoreFailure alone) {
                        u.done().completeExceptionally(alone);
                    }
                }
            } else {
                failAll(batch, e);
            }
        }
    }

    /**
     * Runs the units in one transaction and completes them after its commit. Throws {@link
     * StoreFailure} (and completes nothing) if the transaction as a whole fails.
     */
    private void commitTogether(List<Unit<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] failures = new Throwable[batch.size()];
        boolean alone = batch.size() == 1;
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            try {
                for (int i = 0; i < batch.size(); i++) {
                    Savepoint sp = alone ? null : c.setSavepoint();
                    try {
                        results[i] = batch.get(i).work().run(c);
                    } catch (SQLException | RuntimeException e) {
                        if (sp == null) {
                            c.rollback();
                        } else {
                            c.rollback(sp);
                        }
                        if (alone && e instanceof SQLException sql && RACES.contains(sql.getSQLState())) {
                            throw sql; // the caller may retry a race; a refusal is the unit's own answer
                        }
                        failures[i] = e instanceof SQLException sql ? new StoreFailure(sql) : e;
                    }
                }
                c.commit();
                batches.incrementAndGet();
                units.addAndGet(batch.size());
            } catch (SQLException | RuntimeException | Error e) {
                // An Error thrown by a unit lands here too: roll back, or setAutoCommit(true) in the
                // finally block would commit the batch's half-done work while every unit is told it failed.
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the transaction is gone with it
                }
                throw e;
            } finally {
                try {
                    c.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // a broken connection; the pool discards it
                }
            }
        } catch (SQLException e) {
            throw new StoreFailure(e);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (failures[i] != null) {
                batch.get(i).done().completeExceptionally(failures[i]);
            } else {
                batch.get(i).finish(results[i]);
            }
        }
    }

    private static void failAll(List<Unit<?>> units, StoreFailure e) {
        for (Unit<?> u : units) {
            u.done().completeExceptionally(e);
        }
    }
}
