package dev.agentjobs.gateway;

import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.fanout.CreateRate;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.JobLedger.ClaimResult;
import dev.agentjobs.fanout.PromptInput;
import dev.agentjobs.fanout.PromptRecord;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.PromptSummary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The gateway's jobs in a {@link JobLedger}, so that a restarted gateway lists them and resumes watching the ones
 * that had not ended. A create is written ahead as the fan-out writes it: the row is registered and claimed
 * before the POST goes out, marked {@code CREATED} with the job id before the client hears of it, and finished
 * with the job's terminal status. A job the gateway did not create is recorded once its first state is known
 * (asked about by id, or sent a follow-up), with {@link JobLedger#recordExisting}: no claim and no create-log
 * entry, so it spends nothing of a fan-out's create budget sharing the file. A follow-up to a job whose row has
 * ended {@link JobLedger#reopen reopens} the row, so a restart in the middle of the job's new run watches it again.
 *
 * <p>Rows are keyed {@code gateway-<epoch>-<n>} for the jobs created here and {@code gateway-id-<job id>} for the
 * others (an epoch is at least eight characters, so never {@code id}), in the client's project: a ledger file
 * could be shared with a fan-out without either taking the other's rows for its own, and a job looked up again,
 * in this process or after a restart, finds its row under the same key instead of getting a second one.
 *
 * <p>The gateway remembers the row of the jobs its hub holds, no more: when the hub forgets a job (an ended one,
 * past its cap of jobs) this forgets its row too, and a job asked about again later is looked up in the ledger by
 * its id ({@link JobLedger#findByJobId}), so that a job created here finds its create's row instead of getting a
 * second one. The writes of a job that waits for that look-up are queued behind it, in the order they came.
 */
final class GatewayLedger implements JobRecorder {

    static final String PREFIX = "gateway-";
    static final String BY_ID = PREFIX + "id-";
    /** The in-doubt creates {@code GET /jobs} lists, newest first; {@code /healthz} counts them all. */
    static final int IN_DOUBT_LISTED = 100;
    /** How much of an in-doubt create's prompt is kept to be listed: enough to recognise it. */
    static final int PROMPT_SHOWN = 200;
    static final String INTERRUPTED = "the gateway stopped before the create's answer was recorded: the job may exist";

    private final JobLedger ledger;
    private final String project;
    private final Clock clock;
    private final String epoch;
    private final AtomicLong creates = new AtomicLong();
    // The rows of the jobs the hub holds (the hub's lock orders the changes but for created(), whose job no one
    // else knows yet); bounded by the hub, which tells when it forgets a job.
    private final ConcurrentHashMap<String, Row> rows = new ConcurrentHashMap<>();
    // This gateway's creates whose job may or may not exist, the newest IN_DOUBT_LISTED of them (guarded by itself).
    private final ArrayDeque<InDoubtCreate> inDoubt = new ArrayDeque<>();
    private long inDoubtCount;

    /** @param epoch this process's epoch: keys {@code gateway-<epoch>-<n>} are unique without a random draw */
    GatewayLedger(JobLedger ledger, String project, Clock clock, String epoch) {
        this.ledger = ledger;
        this.project = project;
        this.clock = clock;
        this.epoch = epoch;
    }

    /** Registers and claims a row for a create about to be sent; its key. */
    Mono<String> beforeCreate(String prompt) {
        // Not a UUID: randomUUID reads the OS entropy source, a blocking call on the event loop.
        String key = PREFIX + epoch + "-" + creates.incrementAndGet();
        return ledger.register(project, List.of(new PromptInput(key, prompt)))
                .then(Mono.defer(() -> ledger.claimForCreate(key, CreateRate.unlimited(), false, clock.instant())))
                .flatMap(r -> r.outcome() == ClaimResult.Outcome.CLAIMED ? Mono.just(key)
                        : Mono.error(new IllegalStateException("the ledger did not let the gateway claim its own"
                                + " new row: " + r.outcome())));
    }

    /** The API created the job: durable before the HTTP client is told. */
    Mono<Void> created(String key, String jobId) {
        rows.put(jobId, new Row(key, false));
        return ledger.markCreated(key, jobId, clock.instant());
    }

    /**
     * The create failed: in doubt when the job may exist (never sent again), else finished as rejected or as an
     * error, so that nothing ever picks the row up and sends it.
     */
    Mono<Void> createFailed(String key, Throwable error) {
        if (error instanceof OutcomeUnknownException) {
            return ledger.markInDoubt(key, "the create's answer was lost", clock.instant())
                    .then(Mono.defer(() -> ledger.get(key)))
                    .doOnNext(r -> inDoubt(new InDoubtCreate(r.customId(), r.attemptedAt(), r.lastError(),
                            excerpt(r.prompt()))))
                    .then();
        }
        if (error instanceof InvalidRequestException) {
            return ledger.markFinished(key, PromptState.REJECTED, null, "the API refused the prompt", clock.instant());
        }
        return ledger.markFinished(key, PromptState.ERROR, null, UpstreamErrors.map(error).message(),
                clock.instant());
    }

    @Override
    public void seen(JobEvent event) {
        if (event.kind() != JobEvent.Kind.TERMINAL) {
            return;
        }
        Row row = rows.get(event.jobId());
        PromptState state = switch (event.status()) {
            case COMPLETED -> PromptState.COMPLETED;
            case FAILED -> PromptState.FAILED;
            case ARCHIVED -> PromptState.ARCHIVED;
            default -> null;
        };
        if (row == null || state == null) {
            return;
        }
        // Fire and forget: if this write is lost, the row stays CREATED and the next start watches the job
        // to its end again, which writes it then.
        row.then(() -> {
            if (row.finished) {
                return Mono.empty();
            }
            row.finished = true;
            return ledger.markFinished(row.key, state, event.job().prLink(), null, clock.instant());
        });
    }

    @Override
    public Mono<Void> watched(String jobId) {
        if (rows.containsKey(jobId)) {
            return Mono.empty();
        }
        return lookUp(jobId, found -> Mono.empty());
    }

    @Override
    public Mono<Void> followedUp(String jobId) {
        Row known = rows.get(jobId);
        if (known == null) {
            return lookUp(jobId, row -> reopenIfFinished(row));
        }
        return known.then(() -> reopenIfFinished(known));
    }

    @Override
    public void forgotten(String jobId) {
        rows.remove(jobId);
    }

    /** How many jobs' rows this remembers (tests check the bound). */
    int rememberedJobs() {
        return rows.size();
    }

    private Mono<Void> reopenIfFinished(Row row) {
        if (!row.finished) {
            return Mono.empty();
        }
        row.finished = false;
        return ledger.reopen(row.key, clock.instant());
    }

    /**
     * A job the hub did not hold: finds its row in the ledger (a job created here and forgotten since has one under
     * its create's key) and then runs {@code whenFound} on it, or records the job by id when it has none. The row is
     * remembered at once, so that the job's next writes queue behind the look-up.
     */
    private Mono<Void> lookUp(String jobId, Function<Row, Mono<Void>> whenFound) {
        Row row = new Row(null, false);
        rows.put(jobId, row);
        Mono<Void> done = ledger.findByJobId(jobId)
                .filter(r -> r.customId().startsWith(PREFIX) && r.project().equals(project)).next()
                .flatMap(r -> {
                    row.key = r.customId();
                    row.finished = r.state().isTerminal();
                    return whenFound.apply(row).thenReturn(true);
                })
                .switchIfEmpty(Mono.defer(() -> {
                    row.key = BY_ID + jobId;
                    return ledger.recordExisting(project, row.key, jobId, clock.instant());
                }))
                .then()
                // A look-up that failed leaves no row behind: the job's next watch or follow-up looks it up again,
                // and the writes queued behind this one are skipped (a row without a key cannot be written).
                .doOnError(e -> rows.remove(jobId, row));
        row.pending = started(done);
        return row.pending;
    }

    /**
     * Starts {@code write} now, so that it is queued before the job's next write (its terminal status), and gives
     * a Mono that completes when it is durable, failing as it did.
     */
    private static Mono<Void> started(Mono<Void> write) {
        Mono<Void> done = write.cache();
        done.subscribe(v -> { }, e -> { });
        return done;
    }

    /**
     * A job's row as this gateway knows it. Its fields change under the hub's lock, or, while a look-up is out, in
     * the writes queued behind it, which run one after the other once it is done.
     */
    private static final class Row {
        volatile String key;
        volatile boolean finished;
        // The look-up this row waits for, or null when the key was known from the start.
        volatile Mono<Void> pending;

        Row(String key, boolean finished) {
            this.key = key;
            this.finished = finished;
        }

        /**
         * Decides and starts a write now, or after the look-up when one is out; nothing when the look-up failed, as
         * the row then has no key to write under.
         */
        Mono<Void> then(Supplier<Mono<Void>> write) {
            Mono<Void> waitFor = pending;
            return started(waitFor == null ? write.get()
                    : waitFor.onErrorResume(e -> Mono.empty())
                            .then(Mono.defer(() -> key == null ? Mono.<Void>empty() : write.get())));
        }
    }

    /**
     * At start: turns the rows a stopped gateway left {@code CREATING} (a create whose POST may have left) to
     * {@code IN_DOUBT}, as a fan-out's start does; the caller holds the ledger's lock, so no create of a running
     * process is among them. Then reads this gateway's rows without their prompts, counts its in-doubt ones (and
     * reads the prompts of the newest {@link #IN_DOUBT_LISTED} only, to list them), and gives its rows that have a
     * job, in the order they were registered (so oldest first). Blocks for at most {@code timeout} per step.
     */
    List<PromptSummary> start(Duration timeout) {
        ledger.recoverInterrupted(INTERRUPTED, clock.instant()).block(timeout);
        List<PromptSummary> found = ledger.summaries(Set.of(PromptState.CREATED, PromptState.COMPLETED,
                        PromptState.FAILED, PromptState.ARCHIVED, PromptState.IN_DOUBT))
                .filter(r -> r.customId().startsWith(PREFIX) && r.project().equals(project))
                .collectList().block(timeout);
        List<PromptSummary> known = new ArrayList<>();
        ArrayDeque<PromptSummary> newestInDoubt = new ArrayDeque<>();
        long inDoubtFound = 0;
        for (PromptSummary r : found) {
            if (r.state() == PromptState.IN_DOUBT) {
                inDoubtFound++;
                newestInDoubt.addLast(r);
                if (newestInDoubt.size() > IN_DOUBT_LISTED) {
                    newestInDoubt.removeFirst();
                }
            } else if (r.jobId() != null) {
                known.add(r);
                rows.put(r.jobId(), new Row(r.customId(), r.state().isTerminal()));
            }
        }
        for (PromptSummary r : newestInDoubt) {
            PromptRecord whole = ledger.get(r.customId()).block(timeout);
            inDoubt(new InDoubtCreate(r.customId(), r.attemptedAt(), r.lastError(),
                    whole == null ? "" : excerpt(whole.prompt())));
        }
        synchronized (inDoubt) {
            inDoubtCount += inDoubtFound - newestInDoubt.size();
        }
        return known;
    }

    /** This gateway's newest in-doubt creates, newest first, at most {@link #IN_DOUBT_LISTED}. */
    List<InDoubtCreate> inDoubt() {
        synchronized (inDoubt) {
            List<InDoubtCreate> newestFirst = new ArrayList<>(inDoubt);
            Collections.reverse(newestFirst);
            return newestFirst;
        }
    }

    /** How many of this gateway's creates are in doubt, listed or not. */
    long inDoubtCount() {
        synchronized (inDoubt) {
            return inDoubtCount;
        }
    }

    private void inDoubt(InDoubtCreate r) {
        synchronized (inDoubt) {
            inDoubtCount++;
            inDoubt.addLast(r);
            if (inDoubt.size() > IN_DOUBT_LISTED) {
                inDoubt.removeFirst();
            }
        }
    }

    private static String excerpt(String prompt) {
        return prompt.length() <= PROMPT_SHOWN ? prompt : prompt.substring(0, PROMPT_SHOWN) + "…";
    }

    /**
     * A create of this gateway whose job may or may not exist, as {@code GET /jobs} lists it.
     *
     * @param prompt the prompt's first {@link #PROMPT_SHOWN} characters, then an ellipsis when it was longer
     */
    record InDoubtCreate(String customId, Instant attemptedAt, String reason, String prompt) {
    }

    /** The last state a finished row tells, as the terminal event a stream replays. */
    static JobEvent terminalEvent(PromptSummary r) {
        JobStatus status = switch (r.state()) {
            case COMPLETED -> JobStatus.COMPLETED;
            case FAILED -> JobStatus.FAILED;
            default -> JobStatus.ARCHIVED;
        };
        Job job = new Job(r.jobId(), status, null, null, r.prLink(), null, null);
        return new JobEvent(JobEvent.Kind.TERMINAL, job, null, r.updatedAt());
    }
}
