package dev.agentjobs.fanout;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * The one thread that touches a SQLite ledger, with group commit: it drains the queue of pending operations
 * and runs up to {@link #MAX_BATCH} of them in one transaction, so a burst of state changes costs one commit
 * instead of one each. Each operation runs inside a savepoint: one that fails (an illegal transition, a changed
 * input) is rolled back alone and its batch-mates still commit. Callers' {@link Mono}s complete on this thread,
 * only after the commit, so "completed" means "durable".
 *
 * <p>Durable to what, per operation: one {@linkplain #submitSynced submitted synced} (a claim: the write-ahead
 * of a POST) puts its whole batch under {@code synchronous=FULL}, whose commit fsyncs the WAL, so it survives
 * an OS crash or power loss; a batch of only {@linkplain #submit plain} operations commits under
 * {@code NORMAL}: in WAL mode that survives any crash of the process (the frames are in the OS's hands at
 * commit) and skips the fsync. The level is switched between transactions (SQLite refuses to change it inside
 * one). Since the WAL is one file, appended in order, the fsync of a later FULL commit makes every earlier
 * NORMAL frame durable too (D. R. Hipp, sqlite.org forum, "Switching pragma synchronous to upgrade
 * durability", 2021), as does the checkpoint at close.
 *
 * <p>Submitting never blocks: a lock-free queue and {@link LockSupport#unpark}, which BlockHound accepts on an
 * event loop. The writer parks only on its own thread.
 */
final class LedgerWriter {

    /** Bounds a transaction, so that the first operations of a long burst are not held back for the last. */
    static final int MAX_BATCH = 512;
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** One unit of work against the store, run on the writer thread. */
    interface Work<T> {
        T run(SqliteLedgerStore store) throws SQLException;
    }

    private record Pending<T>(Work<T> work, boolean synced, MonoSink<T> sink) {
    }

    private final Path file;
    private final SqliteLedgerStore store;
    private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong syncedCommits = new AtomicLong();
    // LedgerSchema leaves the connection at FULL; only this thread changes it after.
    private boolean fullSync = true;
    private volatile boolean stopping;
    private volatile boolean terminated;

    LedgerWriter(Path file, SqliteLedgerStore store) {
        this.file = file;
        this.store = store;
        this.thread = new Thread(this::run, "agentjobs-ledger-" + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code work} in the writer's next transaction; the Mono completes after that commit, which keeps it
     * through a crash of the process (and an OS crash or power loss once a later synced commit is done).
     */
    <T> Mono<T> submit(Work<T> work) {
        return submit(work, false);
    }

    /** As {@link #submit}, and the commit is synced to the disk: it survives an OS crash or power loss as well. */
    <T> Mono<T> submitSynced(Work<T> work) {
        return submit(work, true);
    }

    private <T> Mono<T> submit(Work<T> work, boolean synced) {
        return Mono.create(sink -> {
            if (stopping) {
                sink.error(LedgerRules.closed(file.toString()));
                return;
            }
            queue.offer(new Pending<>(work, synced, sink));
            if (terminated) {
                // The writer ended between the check above and the offer: nobody else will answer this one.
                failLeftovers();
            } else {
                LockSupport.unpark(thread);
            }
        });
    }

    /** Transactions committed so far: a diagnostic for tests and benchmarks of group commit. */
    long commits() {
        return commits.get();
    }

    /** Of {@link #commits()}, those committed with {@code synchronous=FULL}: the fsyncs a run paid for. */
    long syncedCommits() {
        return syncedCommits.get();
    }

    /** Commits what was accepted, stops the thread and closes the store; waits at most {@link #CLOSE_TIMEOUT}. */
    void close() {
        stopping = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) {
            return; // called from a completion on the writer itself: the loop ends after this batch
        }
        try {
            thread.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new LedgerException(LedgerException.Reason.STORAGE, "ledger " + file + " did not finish its "
                    + "writes within " + CLOSE_TIMEOUT.toSeconds() + " s of close; they may be incomplete");
        }
    }

    private void run() {
        try {
            while (true) {
                // Read before draining: whatever was accepted before close() set the flag is drained below.
                boolean stop = stopping;
                List<Pending<?>> batch = drain();
                if (!batch.isEmpty()) {
                    runBatch(batch);
                } else if (stop) {
                    break;
                } else {
                    LockSupport.park(this);
                }
            }
        } finally {
            terminated = true;
            store.close();
            failLeftovers();
        }
    }

    private List<Pending<?>> drain() {
        List<Pending<?>> batch = new ArrayList<>();
        Pending<?> next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void runBatch(List<Pending<?>> batch) {
        Object[] results = new Object[batch.size()];
        Throwable[] errors = new Throwable[batch.size()];
        try {
            transaction(batch, results, errors);
        } catch (SQLException e) {
            // The transaction as a whole failed (disk full, locked past the busy timeout): nothing of it holds.
            Arrays.fill(errors, LedgerSchema.storage(file, "could not commit", e));
        } catch (RuntimeException e) {
            Arrays.fill(errors, e);
        } catch (Error e) {
            // The thread is going down: answer this batch before the leftovers are failed.
            batch.forEach(p -> p.sink().error(e));
            throw e;
        }
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i), results[i], errors[i]);
        }
    }

    private void transaction(List<Pending<?>> batch, Object[] results, Throwable[] errors) throws SQLException {
        boolean synced = batch.stream().anyMatch(Pending::synced);
        if (synced != fullSync) {
            store.exec(synced ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            fullSync = synced;
        }
        store.exec("BEGIN IMMEDIATE");
        try {
            for (int i = 0; i < batch.size(); i++) {
                store.exec("SAVEPOINT op");
                try {
                    results[i] = batch.get(i).work().run(store);
                    store.exec("RELEASE op");
                } catch (RuntimeException | SQLException e) {
                    // Undo this operation alone; its batch-mates keep their writes.
                    store.exec("ROLLBACK TO op");
                    store.exec("RELEASE op");
                    errors[i] = e instanceof SQLException sql ? LedgerSchema.storage(file, "failed", sql) : e;
                }
            }
            store.exec("COMMIT");
            commits.incrementAndGet();
            if (synced) {
                syncedCommits.incrementAndGet();
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void complete(Pending<T> pending, Object result, Throwable error) {
        if (error != null) {
            pending.sink().error(error);
        } else {
            pending.sink().success((T) result);
        }
    }

    private void rollbackQuietly() {
        try {
            store.exec("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite already rolled back (some errors end the transaction themselves); nothing else to undo.
        }
    }

    private void failLeftovers() {
        Pending<?> next;
        while ((next = queue.poll()) != null) {
            next.sink().error(LedgerRules.closed(file.toString()));
        }
    }
}
