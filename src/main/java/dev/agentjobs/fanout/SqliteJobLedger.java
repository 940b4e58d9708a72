package dev.agentjobs.fanout;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The embedded {@link JobLedger}: one SQLite file, crash-safe, that a person can open with the {@code sqlite3}
 * tool ({@code sqlite3 prompts.ledger.db "SELECT state, count(*) FROM prompts GROUP BY state"}).
 *
 * <p><b>Durability, per operation.</b> The file is in WAL mode, and a returned {@link Mono} completes only
 * after its change is committed: it survives {@code kill -9} and an OOM kill, whatever the operation. A claim
 * ({@link #claimForCreate}, the write-ahead of a POST) and a {@link #releaseClaim} are committed with
 * {@code synchronous=FULL}, which fsyncs the write-ahead log before the Mono completes: a {@code CREATING} row
 * survives an OS crash or power loss as well, so a restart never re-sends a create that left. The other writes
 * commit with {@code NORMAL} (no fsync) and reach the disk with the next synced commit (SQLite syncs the one
 * log file, so a later fsync covers every earlier commit) or the checkpoint at close. Lost to a power loss
 * before that, each leaves a state the restart rules handle safely: a {@code CREATED} row falls back to
 * {@code CREATING} and is reported {@code IN_DOUBT} (as a create cut off mid-POST is), a terminal state falls
 * back to {@code CREATED} and the job is watched again with a GET, a registration is made again. That saves
 * two fsyncs of the three a prompt would pay. A terminal state ({@link #markFinished}) does not start a
 * transaction of its own at once: it rides in the next one (a claim's, usually) or is committed alone after 25 ms,
 * so a job's end is reported that much later at most and a run's many ends share commits. A transaction cut
 * mid-write fails its checksum and is rolled back when the file is next opened. {@link Durability#PROCESS_CRASH}
 * (an option of {@link #open(Path, Clock, Durability)}) commits claims without the fsync as well.
 *
 * <p><b>Threads.</b> All JDBC runs on one daemon thread owned by the ledger ({@code agentjobs-ledger-<file>}),
 * never on the caller's thread: every method only queues its operation, so it is safe on an event loop. The
 * thread runs whatever is queued (up to 512 operations) in one transaction (group commit), then completes each
 * operation's publisher, on that thread: a caller that does more than a little work after a write hops back to
 * its own scheduler with {@code publishOn}, or it holds up the ledger. An operation that fails (an illegal
 * transition, a changed input) fails alone; the others of its batch commit. A publisher cancelled after
 * subscription may still have its write applied. {@link #open} and {@link #close} block: call them where
 * blocking is allowed (a main thread, {@code Schedulers.boundedElastic()}).
 *
 * <p><b>Identity.</b> The file carries {@code PRAGMA application_id} 0x414A4C47 ("AJLG") and its schema version
 * in {@code PRAGMA user_version}. A file that is not SQLite, or another application's database, is refused
 * with {@link LedgerException.Reason#NOT_A_LEDGER} and left untouched; one from a newer agentjobs with
 * {@link LedgerException.Reason#NEWER_VERSION}. A missing or empty file becomes a new ledger. Two processes
 * must not run a fan-out on one file at once, since {@link #recoverInterrupted} takes every {@code CREATING}
 * prompt for a crashed run's: a run holds the file's {@link LedgerLock} (the CLI does), reading needs none.
 *
 * <pre>{@code
 * try (SqliteJobLedger ledger = SqliteJobLedger.open(Path.of("prompts.ledger.db"))) {
 *     ledger.register("my-project", List.of(new PromptInput("1", "Fix the typo"))).block();
 *     ledger.claimForCreate("1", CreateRate.DEFAULT, false, Instant.now())
 *             .publishOn(Schedulers.parallel())
 *             .subscribe(claim -> System.out.println(claim.outcome()));   // CLAIMED, durably
 * }
 * }</pre>
 */
public final class SqliteJobLedger implements JobLedger {

    // Rows per read of a scan: a page of records holds up to 64 prompts' texts (256 KiB at most each).
    private static final int RECORD_PAGE = 64;
    private static final int SUMMARY_PAGE = 512;

    private final Path file;
    private final Clock clock;
    private final LedgerWriter writer;

    private SqliteJobLedger(Path file, Clock clock, LedgerWriter writer) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
    }

    /**
     * Opens the ledger at {@code file}, creating it when missing or empty. Blocks while it checks the file.
     *
     * @throws LedgerException {@code NOT_A_LEDGER}, {@code NEWER_VERSION}, or {@code STORAGE} when the file
     *     cannot be opened (its directory missing, no permission)
     */
    public static SqliteJobLedger open(Path file) {
        return open(file, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, with the clock that times registrations and the file's creation. */
    public static SqliteJobLedger open(Path file, Clock clock) {
        return open(file, clock, Durability.POWER_LOSS);
    }

    /**
     * As {@link #open(Path, Clock)}, with what a claim must survive before its POST leaves.
     *
     * <pre>{@code
     * SqliteJobLedger.open(Path.of("test.ledger.db"), Clock.systemUTC(), Durability.PROCESS_CRASH)
     * }</pre>
     */
    public static SqliteJobLedger open(Path file, Clock clock, Durability durability) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(durability, "durability");
        Path path = file.toAbsolutePath();
        SqliteLedgerStore store = new SqliteLedgerStore(
                LedgerSchema.open(path, SqliteLedgerStore.text(clock.instant())));
        return new SqliteJobLedger(path, clock, new LedgerWriter(path, store, LedgerWriter.DEFAULT_LINGER,
                durability == Durability.POWER_LOSS));
    }

    /**
     * What a claim ({@code CREATING}, the write-ahead of a POST) survives once its {@code Mono} completed. Every
     * other write survives a crash of the process at either level.
     */
    public enum Durability {
        /**
         * The default: claims and releases are synced to the disk ({@code synchronous=FULL}) before they complete,
         * so no create is ever sent twice after an OS crash or a power loss either.
         */
        POWER_LOSS,
        /**
         * Claims commit without a sync ({@code synchronous=NORMAL}, in WAL mode): they survive {@code kill -9}
         * and an OOM kill, but an OS crash or a power loss can lose the last ones, and a restart then posts their
         * prompts again (a duplicate job for each create that had left). For tests, simulators and machines whose
         * crash means losing the run anyway; it saves one fsync per batch of claims.
         */
        PROCESS_CRASH
    }

    /** The ledger's file. */
    public Path file() {
        return file;
    }

    @Override
    public Mono<Integer> register(String project, List<PromptInput> prompts) {
        Objects.requireNonNull(project, "project");
        List<PromptInput> batch = List.copyOf(prompts);
        return writer.submit(store -> store.register(project, batch, LedgerRules.truncate(clock.instant())));
    }

    @Override
    public Mono<List<PromptRecord>> recoverInterrupted(String reason, Instant now) {
        Instant at = time(now);
        return writer.submit(store -> store.recoverInterrupted(reason, at));
    }

    @Override
    public Flux<PromptRecord> find(Set<PromptState> states) {
        Set<PromptState> wanted = Set.copyOf(states);
        return paged((store, after) -> store.findPage(wanted, after, RECORD_PAGE));
    }

    @Override
    public Flux<PromptSummary> summaries(Set<PromptState> states) {
        Set<PromptState> wanted = Set.copyOf(states);
        return paged((store, after) -> store.summaryPage(wanted, after, SUMMARY_PAGE));
    }

    /** Reads page after page, each its own operation on the writer, so a long scan never holds up a commit. */
    private <T> Flux<T> paged(PageRead<T> read) {
        return pagedAfter(read, 0L);
    }

    // Each page's rows, then the next page read once they are consumed. Not expand(): it subscribes the step after
    // the last page on the requesting thread, so the scan would complete off the writer thread.
    private <T> Flux<T> pagedAfter(PageRead<T> read, long afterSeq) {
        return writer.submit(store -> read.page(store, afterSeq)).flatMapMany(page -> page.last()
                ? Flux.fromIterable(page.rows())
                : Flux.fromIterable(page.rows()).concatWith(Flux.defer(() -> pagedAfter(read, page.afterSeq()))));
    }

    private interface PageRead<T> {
        SqliteLedgerStore.Page<T> page(SqliteLedgerStore store, long afterSeq) throws SQLException;
    }

    @Override
    public Mono<PromptRecord> get(String customId) {
        Objects.requireNonNull(customId, "customId");
        return writer.submit(store -> store.get(customId));
    }

    @Override
    public Flux<PromptRecord> findByJobId(String jobId) {
        Objects.requireNonNull(jobId, "jobId");
        return writer.submit(store -> store.findByJobId(jobId)).flatMapIterable(list -> list);
    }

    @Override
    public Mono<ClaimResult> claimForCreate(String customId, CreateRate rate, boolean includeInDoubt, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(rate, "rate");
        Instant at = time(now);
        return writer.submitSynced(store -> store.claim(customId, rate, includeInDoubt, at));
    }

    @Override
    public Mono<Void> releaseClaim(String customId, String reason, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Instant at = time(now);
        // Synced: lost to a power loss, the refused claim would come back as CREATING, then IN_DOUBT.
        return writer.<Void>submitSynced(store -> {
            store.release(customId, reason, at);
            return null;
        });
    }

    @Override
    public Mono<Void> markCreated(String customId, String jobId, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(jobId, "jobId");
        Instant at = time(now);
        return writer.<Void>submit(store -> {
            store.markCreated(customId, jobId, at);
            return null;
        });
    }

    @Override
    public Mono<Void> markInDoubt(String customId, String reason, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Instant at = time(now);
        return writer.<Void>submit(store -> {
            store.markInDoubt(customId, reason, at);
            return null;
        });
    }

    @Override
    public Mono<Void> markFinished(String customId, PromptState state, String prLink, String reason, Instant now) {
        Objects.requireNonNull(customId, "customId");
        PromptState to = LedgerRules.requireTerminal(state);
        Instant at = time(now);
        // Deferred: a job's end is reported a few milliseconds later, and a run's many ends share commits.
        return writer.<Void>submitDeferred(store -> {
            store.markFinished(customId, to, prLink, reason, at);
            return null;
        });
    }

    @Override
    public Mono<Boolean> recordExisting(String project, String customId, String jobId, Instant now) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(jobId, "jobId");
        Instant at = time(now);
        return writer.submit(store -> store.recordExisting(project, customId, jobId, at));
    }

    @Override
    public Mono<Void> reopen(String customId, Instant now) {
        Objects.requireNonNull(customId, "customId");
        Instant at = time(now);
        return writer.<Void>submit(store -> {
            store.reopen(customId, at);
            return null;
        });
    }

    @Override
    public Mono<List<Instant>> createsSince(String project, Instant since) {
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(since, "since");
        return writer.submit(store -> store.createsSince(project, since));
    }

    @Override
    public Mono<Map<PromptState, Long>> counts() {
        return writer.submit(SqliteLedgerStore::counts);
    }

    /** Commits what was accepted, stops the writer thread and closes the file; waits at most 10 s. */
    @Override
    public void close() {
        writer.close();
    }

    /** Transactions committed since open: shows group commit at work (tests, benchmarks). */
    long commits() {
        return writer.commits();
    }

    /** Of {@link #commits()}, those synced to the disk (a claim or a release among their operations). */
    long syncedCommits() {
        return writer.syncedCommits();
    }

    @Override
    public String toString() {
        return "SqliteJobLedger[" + file + "]";
    }

    private static Instant time(Instant now) {
        return LedgerRules.truncate(Objects.requireNonNull(now, "now"));
    }
}
