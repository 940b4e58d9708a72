package dev.agentjobs.fanout;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The durable state of a fan-out: one row per prompt, and per project a log of the creates the server
 * accepted (or may have accepted), from which the sliding create budget is rebuilt after a restart.
 *
 * <p>Every method is non-blocking for its caller: an implementation does its I/O on threads of its own (the
 * SQLite one on a single writer thread with group commit) and completes the returned publisher when the
 * change is durable, so {@code claimForCreate(...).then(client.create(...))} never sends a create whose
 * {@code CREATING} row could still be lost. Signals may arrive on the ledger's own thread: a caller that does
 * more than a little work after a write hops back to its own scheduler ({@code publishOn}).
 *
 * <p>Durable means: kept through a crash of the process. A claim and a released claim are also kept through an
 * OS crash or power loss before their publisher completes; the other changes may be lost to one of those if no
 * later claim followed them, and the restart rules absorb that: a lost answer to a create ({@code CREATED},
 * {@code IN_DOUBT}, {@code REJECTED}) leaves {@code CREATING}, reported {@code IN_DOUBT}; a lost end of a watch
 * leaves {@code CREATED}, watched again; a lost registration registers the prompts again. Nothing is sent twice.
 *
 * <p>The contract is written so that several processes can share one ledger (a later PostgreSQL
 * implementation): work is taken by {@link #claimForCreate claims} that succeed for one claimer only, the
 * create budget is checked and spent inside the claim, and a job id alone is enough to resume a prompt. The
 * embedded implementation is {@code SqliteJobLedger}; {@link #inMemory()} keeps the same contract without
 * durability, for tests and measurements.
 *
 * <pre>{@code
 * try (JobLedger ledger = SqliteJobLedger.open(Path.of("prompts.ledger.db"))) {
 *     ledger.register("my-project", List.of(new PromptInput("1", "Fix the typo"))).block();
 *     ledger.counts().block();   // {PENDING=1}
 * }
 * }</pre>
 *
 * <p>Transitions the ledger accepts (any other fails with {@link LedgerException.Reason#ILLEGAL_TRANSITION}):
 * {@code PENDING -> CREATING} (claim), {@code IN_DOUBT -> CREATING} (claim, when asked to retry in-doubt
 * prompts), {@code CREATING -> PENDING} (released), {@code CREATING -> CREATED}, {@code CREATING -> IN_DOUBT},
 * {@code CREATING -> REJECTED | ERROR}, {@code CREATED -> COMPLETED | FAILED | ARCHIVED | ERROR}. Terminal
 * states ({@link PromptState#isTerminal()}) change only through the explicit {@link #reopen} of a job a
 * follow-up message made active again ({@code COMPLETED | FAILED | ARCHIVED -> CREATED}), which the fan-out never
 * calls; {@code REJECTED} and {@code ERROR} never change. A {@code customId} that is not in the ledger fails the
 * same way; {@link #markFinished} with a state that is not terminal throws {@link IllegalArgumentException} at
 * once. Times are kept to the millisecond (truncated).
 *
 * <p>Besides the fan-out's prompts, a ledger holds jobs created elsewhere that a caller watches (a gateway asked
 * about a job by id): {@link #recordExisting} writes them straight as {@code CREATED}, with no claim and no
 * create-log entry, and with the empty prompt text ({@link PromptRecord#recordedById()}), which no registered
 * prompt can have.
 */
public interface JobLedger extends AutoCloseable {

    /**
     * A ledger in memory, with registration times from the system clock: the same contract without durability,
     * for tests, measurements and the benchmark's baseline (a crash loses everything, so a real fan-out uses
     * {@code SqliteJobLedger}). Thread-safe and non-blocking: each operation runs on the subscriber's thread
     * under a monitor held for the microseconds a map update takes, so it is safe on an event loop.
     *
     * <pre>{@code
     * JobLedger ledger = JobLedger.inMemory();
     * ledger.register("my-project", List.of(new PromptInput("1", "Fix the typo"))).block();
     * }</pre>
     */
    static JobLedger inMemory() {
        return new InMemoryJobLedger(Clock.systemUTC());
    }

    /** {@link #inMemory()} with registration times from {@code clock} (the other methods take their time). */
    static JobLedger inMemory(Clock clock) {
        return new InMemoryJobLedger(clock);
    }

    /**
     * Adds the prompts not in the ledger yet as {@code PENDING} in {@code project}, in the given order; a
     * prompt whose {@code customId} is already there with the same text and project is left as it is. All or
     * nothing: when a {@code customId} is there with another prompt or project, nothing of the batch is written
     * and the result fails with {@link LedgerException.Reason#INPUT_CHANGED} naming that key.
     *
     * @return how many prompts were new
     */
    Mono<Integer> register(String project, List<PromptInput> prompts);

    /**
     * Start-of-run recovery: each {@code CREATING} prompt whose claimer is gone (for an embedded ledger: all of
     * them, since one process owns the file) becomes {@code IN_DOUBT}, keeping its attempt time, with
     * {@code reason} as its last error.
     *
     * @return the prompts that became {@code IN_DOUBT}, to report with their attempt times
     */
    Mono<List<PromptRecord>> recoverInterrupted(String reason, Instant now);

    /**
     * The prompts in any of {@code states} (all when empty), in registration order, with their texts. An
     * implementation reads them in bounded pages, not all at once; a caller that needs no prompt text uses
     * {@link #summaries} instead, which costs a fraction of the memory.
     */
    Flux<PromptRecord> find(Set<PromptState> states);

    /**
     * The prompts in any of {@code states} (all when empty), in registration order, without their texts: for
     * scans over a large ledger (which keys are left, counts per state, what to watch again). Read in bounded
     * pages, each its own short read, so neither the caller nor the ledger holds every row at once and writes are
     * not held up behind a long scan.
     *
     * <pre>{@code
     * ledger.summaries(EnumSet.of(PromptState.PENDING)).map(PromptSummary::customId).count().block();
     * }</pre>
     */
    Flux<PromptSummary> summaries(Set<PromptState> states);

    /** One prompt by key; empty when it is not in the ledger. */
    Mono<PromptRecord> get(String customId);

    /**
     * The rows holding {@code jobId}, in registration order; usually one, but a job a fan-out created and a gateway
     * then recorded by id has two. Indexed: a caller may look a job up instead of keeping every key in memory.
     *
     * <pre>{@code
     * ledger.findByJobId("job-42").filter(r -> r.project().equals("my-project")).next().block();
     * }</pre>
     */
    Flux<PromptRecord> findByJobId(String jobId);

    /**
     * Write-ahead of a create. When the prompt is {@code PENDING} (or {@code IN_DOUBT} with
     * {@code includeInDoubt}) and its project's budget has room at {@code now}, the prompt becomes
     * {@code CREATING} (attempts + 1, attempted at {@code now}) and {@code now} is appended to the project's
     * create log, in one durable transaction; only then may the create be sent. The result carries the claimed
     * row (with its prompt), so the caller needs no read before the claim.
     */
    Mono<ClaimResult> claimForCreate(String customId, CreateRate rate, boolean includeInDoubt, Instant now);

    /**
     * The create was refused before the server acted on it (a 429, a connection that failed before the request
     * was written): back to {@code PENDING} with {@code reason}, and the claim's create-log entry is removed,
     * since the server did not count it.
     */
    Mono<Void> releaseClaim(String customId, String reason, Instant now);

    /** The server created the job: {@code CREATING -> CREATED} with its id, before anything else happens. */
    Mono<Void> markCreated(String customId, String jobId, Instant now);

    /** The create's outcome is unknown: {@code CREATING -> IN_DOUBT}; its create-log entry stays counted. */
    Mono<Void> markInDoubt(String customId, String reason, Instant now);

    /**
     * A terminal state: {@code COMPLETED}, {@code FAILED} or {@code ARCHIVED} from {@code CREATED} (with the job's
     * {@code prLink}, may be null), or {@code REJECTED} or {@code ERROR} with {@code reason}.
     */
    Mono<Void> markFinished(String customId, PromptState state, String prLink, String reason, Instant now);

    /**
     * Records a job that exists already and was not created through this ledger (a gateway was asked about it by
     * id): a {@code CREATED} row under {@code customId} in {@code project} with {@code jobId}, no attempt and
     * {@code now} as its update time. Nothing is claimed and nothing enters the create log, so it spends no create
     * budget. The job's prompt is unknown here: the row holds the empty text ({@link PromptRecord#recordedById()}).
     * Idempotent: when {@code customId} is there with the same job id and project, the row is left as it is,
     * whatever its state. When it is there with another job id (or with none: a registered prompt) or another
     * project, nothing is written and the result fails with {@link LedgerException.Reason#INPUT_CHANGED}.
     *
     * <pre>{@code
     * ledger.recordExisting("my-project", "watched-job-42", "job-42", Instant.now()).block();   // true: a new row
     * }</pre>
     *
     * @return whether the row is new
     */
    Mono<Boolean> recordExisting(String project, String customId, String jobId, Instant now);

    /**
     * A follow-up message made a finished job active again: {@code COMPLETED | FAILED | ARCHIVED -> CREATED}, the
     * job id, attempts and attempt time kept, the PR link and last error cleared (the job has not ended). The only
     * way out of a terminal state; from any other state it fails with
     * {@link LedgerException.Reason#ILLEGAL_TRANSITION}. The create log is untouched: a message is not a create.
     */
    Mono<Void> reopen(String customId, Instant now);

    /** The project's create-log times at or after {@code since}, oldest first: the budget's memory. */
    Mono<List<Instant>> createsSince(String project, Instant since);

    /** How many prompts are in each state (states with none are absent). */
    Mono<Map<PromptState, Long>> counts();

    /**
     * Finishes the writes already accepted, then releases the storage; later calls fail with
     * {@link LedgerException.Reason#STORAGE}. Blocks for at most a few seconds: call it from a thread that may
     * block (never the client's event loop).
     */
    @Override
    void close();

    /**
     * The answer to {@link #claimForCreate}: whether the caller may send the create now, and with
     * {@link Outcome#CLAIMED} the claimed row itself, so that the caller needs no second read for the prompt text.
     *
     * @param outcome   what happened
     * @param notBefore with {@link Outcome#OVER_BUDGET}, the earliest time the project's budget has room again;
     *                  else {@code null}
     * @param claimed   with {@link Outcome#CLAIMED}, the row as the claim left it ({@code CREATING}, attempts counted,
     *                  attempted at the claim's time); else {@code null}
     */
    record ClaimResult(Outcome outcome, Instant notBefore, PromptRecord claimed) {

        /** What a claim ended as. */
        public enum Outcome {
            /** The prompt is now {@code CREATING} and counted in the budget, durably: send the create. */
            CLAIMED,
            /** The prompt is not in a claimable state (another claimer took it, or it moved on): skip it. */
            NOT_CLAIMABLE,
            /** The project's create budget is spent until {@link #notBefore()}: nothing was written. */
            OVER_BUDGET
        }

        public ClaimResult {
            Objects.requireNonNull(outcome, "outcome");
            if ((outcome == Outcome.OVER_BUDGET) != (notBefore != null)) {
                throw new IllegalArgumentException("notBefore is set exactly for OVER_BUDGET, was " + outcome
                        + " with " + notBefore);
            }
            if ((outcome == Outcome.CLAIMED) != (claimed != null)) {
                throw new IllegalArgumentException("claimed is set exactly for CLAIMED, was " + outcome + " with "
                        + claimed);
            }
            if (claimed != null && claimed.state() != PromptState.CREATING) {
                throw new IllegalArgumentException("a claimed row is CREATING, was " + claimed.state());
            }
        }

        public static final ClaimResult NOT_CLAIMABLE = new ClaimResult(Outcome.NOT_CLAIMABLE, null, null);

        /** The prompt was claimed: {@code row} is its {@code CREATING} row. */
        public static ClaimResult claimed(PromptRecord row) {
            return new ClaimResult(Outcome.CLAIMED, null, Objects.requireNonNull(row, "row"));
        }

        public static ClaimResult overBudget(Instant notBefore) {
            return new ClaimResult(Outcome.OVER_BUDGET, Objects.requireNonNull(notBefore, "notBefore"), null);
        }
    }
}
