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
 * instead of one each. An operation that fails (an illegal transition, a changed input) is rolled back alone
 * and its batch-mates still commit: the batch then runs again with a savepoint around each operation. Callers'
 * {@link Mono}s complete on this thread, only after the commit, so "completed" means "durable".
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
    /**
     * How long a {@linkplain #submitDeferred deferred} operation may wait for a transaction to ride in before
     * the writer runs one for it alone.
     */
    static final Duration DEFAULT_LINGER = Duration.ofMillis(25);

    /**
     * One unit of work against the store, run on the writer thread. It may run twice (again after a batch-mate
     * failed and the transaction was undone), so it acts on the store only.
     */
    interface Work<T> {
        T run(SqliteLedgerStore store) throws SQLException;
    }

    /** An operation waiting in the queue; {@code due} is when a deferred one must run, {@link #NOW} otherwise. */
    private record Pending<T>(Work<T> work, boolean synced, long due, MonoSink<T> sink) {
    }

    private static final long NOW = Long.MIN_VALUE;
    private static final long NEVER = Long.MAX_VALUE;

    private final Path file;
    private final SqliteLedgerStore store;
    private final Queue<Pending<?>> queue = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong syncedCommits = new AtomicLong();
    private final long lingerNanos;
    private final boolean sync;
    // Operations queued that must run at once (not deferred): counted in, and counted out by the writer as it
    // drains them, so that it knows whether to wait for a deferred head of the queue or run now.
    private final AtomicLong urgentQueued = new AtomicLong();
    private long urgentDrained;
    // While the writer parks: when it wakes up by itself (System.nanoTime()), or NEVER when only an unpark wakes it.
    // NOW while it is awake and will look at the queue again before parking.
    private volatile long wakeAt = NOW;
    // LedgerSchema leaves the connection at FULL; only this thread changes it after.
    private boolean fullSync = true;
    private volatile boolean stopping;
    private volatile boolean terminated;

    LedgerWriter(Path file, SqliteLedgerStore store) {
        this(file, store, DEFAULT_LINGER, true);
    }

    /**
     * With {@code linger} for deferred operations instead of {@link #DEFAULT_LINGER}; {@code sync} false makes
     * {@link #submitSynced} commit like {@link #submit} ({@link SqliteJobLedger.Durability#PROCESS_CRASH}).
     */
    LedgerWriter(Path file, SqliteLedgerStore store, Duration linger, boolean sync) {
        this.file = file;
        this.store = store;
        this.lingerNanos = linger.toNanos();
        this.sync = sync;
        this.thread = new Thread(this::run, "agentjobs-ledger-" + file.getFileName());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Runs {@code work} in the writer's next transaction; the Mono completes after that commit, which keeps it
     * through a crash of the process (and an OS crash or power loss once a later synced commit is done).
     */
    <T> Mono<T> submit(Work<T> work) {
        return submit(work, false, false);
    }

    /** As {@link #submit}, and the commit is synced to the disk: it survives an OS crash or power loss as well. */
    <T> Mono<T> submitSynced(Work<T> work) {
        return submit(work, sync, false);
    }

    /**
     * As {@link #submit}, but the operation does not start a transaction of its own at once: it rides in the next
     * one that another operation starts, or runs after the linger (25 ms by default) when none did. For writes
     * whose caller can wait that long: a burst of them then shares the commits (and the fsync) that claims pay
     * for anyway, and costs the writer no wake-up of its own. Ordered with every other operation as queued.
     */
    <T> Mono<T> submitDeferred(Work<T> work) {
        return submit(work, false, true);
    }

    private <T> Mono<T> submit(Work<T> work, boolean synced, boolean deferred) {
        return Mono.create(sink -> {
            if (stopping) {
                sink.error(LedgerRules.closed(file.toString()));
                return;
            }
            if (!deferred) {
                urgentQueued.incrementAndGet();   // before the offer: the writer never counts out more than in
            }
            queue.offer(new Pending<>(work, synced, deferred ? System.nanoTime() + lingerNanos : NOW, sink));
            if (terminated) {
                // The writer ended between the check above and the offer: nobody else will answer this one.
                failLeftovers();
            } else if (!deferred || wakeAt == NEVER) {
                // A deferred one wakes only a writer parked without an alarm, to set one for this one's due time;
                // an awake writer, or one whose alarm is for an earlier due time, runs this one in time anyway.
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
                long due = stop ? NOW : due();
                if (due == NOW) {
                    List<Pending<?>> batch = drain();
                    if (!batch.isEmpty()) {
                        runBatch(batch);
                    } else if (stop) {
                        break;
                    }
                    continue;
                }
                // Set the alarm first, then look again: a submit that saw the old alarm queued before this look.
                wakeAt = due;
                if (due() == due && !stopping) {
                    if (due == NEVER) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, due - System.nanoTime());
                    }
                }
                wakeAt = NOW;
            }
        } finally {
            terminated = true;
            store.close();
            failLeftovers();
        }
    }

    /**
     * When the next batch must run: {@link #NOW} when an operation that may not wait is queued, or the deferred
     * head of the queue (the oldest, so the first due) is due; its due time while only deferred ones wait;
     * {@link #NEVER} when the queue is empty.
     */
    private long due() {
        Pending<?> head = queue.peek();
        if (head == null) {
            return NEVER;
        }
        if (head.due() == NOW || urgentQueued.get() != urgentDrained || head.due() - System.nanoTime() <= 0) {
            return NOW;
        }
        return head.due();
    }

    private List<Pending<?>> drain() {
        List<Pending<?>> batch = new ArrayList<>();
        Pending<?> next;
        while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) {
            batch.add(next);
            if (next.due() == NOW) {
                urgentDrained++;
            }
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
        // Optimistic first: no savepoint per operation (two statements each), since operations check before they
        // write and almost never fail. When one does fail, the whole transaction is undone and the batch runs
        // again with a savepoint around each, so that the failed one alone is rolled back.
        if (!attempt(batch, results, errors, false)) {
            Arrays.fill(results, null);
            attempt(batch, results, errors, true);
        }
        if (synced) {
            syncedCommits.incrementAndGet();
        }
    }

    /**
     * Runs the batch in one transaction and commits it; returns false, having rolled everything back, when an
     * operation failed and {@code isolated} is false. With {@code isolated}, each operation runs in a savepoint
     * and one that fails is undone alone, with its error in {@code errors}.
     */
    private boolean attempt(List<Pending<?>> batch, Object[] results, Throwable[] errors, boolean isolated)
            throws SQLException {
        store.exec("BEGIN IMMEDIATE");
        try {
            for (int i = 0; i < batch.size(); i++) {
                if (isolated) {
                    store.exec("SAVEPOINT op");
                }
                try {
                    results[i] = batch.get(i).work().run(store);
                    if (isolated) {
                        store.exec("RELEASE op");
                    }
                } catch (RuntimeException | SQLException e) {
                    if (!isolated) {
                        rollbackQuietly();
                        return false;
                    }
                    // Undo this operation alone; its batch-mates keep their writes.
                    store.exec("ROLLBACK TO op");
                    store.exec("RELEASE op");
                    errors[i] = e instanceof SQLException sql ? LedgerSchema.storage(file, "failed", sql) : e;
                }
            }
            store.exec("COMMIT");
            commits.incrementAndGet();
            return true;
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
