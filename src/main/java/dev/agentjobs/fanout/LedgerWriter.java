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
 * and runs up to {@link #MAX_BATCH} of them in one transaction, so a burst of state changes costs one WAL sync
 * instead of one each. Each operation runs inside a savepoint: one that fails (an illegal transition, a changed
 * input) is rolled back alone and its batch-mates still commit. Callers' {@link Mono}s complete on this thread,
 * only after the commit, so "completed" means "durable".
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

    private record Pending<T>(Work<T> work, MonoSink<T> sink) {
    }

    private final Path file;
    private final SqliteLedgerStore store;
    private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private volatile boolean stopping;
    private volatile boolean terminated;

    LedgerWriter(Path file, SqliteLedgerStore store) {
        this.file = file;
        this.store = store;
        this.thread = new Thread(this::run, "agentjobs-ledger-" + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code work} in the writer's next transaction; the Mono completes after that commit. */
    <T> Mono<T> submit(Work<T> work) {
        return Mono.create(sink -> {
            if (stopping) {
                sink.error(LedgerRules.closed(file.toString()));
                return;
            }
            queue.offer(new Pending<>(work, sink));
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
