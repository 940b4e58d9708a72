package dev.agentjobs.fanout;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.WatchLimitExceededException;
import dev.agentjobs.fanout.FanOutResult.ErrorKind;
import dev.agentjobs.internal.http.ClientScope;
import dev.agentjobs.poll.JobWatcher;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One run of a {@link FanOut}: its results, its progress, and when its last create in flight is recorded.
 *
 * <pre>{@code
 * FanOutRun run = fanOut.start(prompts, options);
 * Disposable bar = run.progress(Duration.ofSeconds(1)).subscribe(p -> show(p.done(), p.total()));
 * run.results().doOnNext(this::write).blockLast();
 * }</pre>
 *
 * <p>Cancelling {@link #results()} stops creating at once; a create already on the wire still has its answer
 * recorded in the ledger, and {@link #whenIdle()} completes when that is done: close the ledger after it.
 * Ledger calls complete on the ledger's own thread: the run hops back to its scheduler after each one, so its
 * work never runs on a JDBC thread and no JDBC call runs on the event loop.
 */
public final class FanOutRun {

    static final int REGISTER_BATCH = 256;

    private final JobLedger ledger;
    private final Flux<PromptInput> prompts;
    private final FanOutOptions options;
    private final String project;
    private final Scheduler scheduler;
    private final JobWatcher watcher;
    private final Creator creator;
    private final Shield shield = new Shield();
    private final ActiveSlots active;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private final Sinks.Empty<Void> registered = Sinks.empty();
    private final Sinks.Empty<Void> done = Sinks.empty();

    FanOutRun(JobsApi api, JobLedger ledger, Flux<PromptInput> prompts, FanOutOptions options, String project) {
        this.ledger = ledger;
        this.prompts = prompts;
        this.options = options;
        this.project = project;
        AgentJobsClient client = api instanceof AgentJobsClient c ? c : null;
        this.scheduler = options.scheduler() != null ? options.scheduler()
                : client != null ? ClientScope.of(client).scheduler() : Schedulers.parallel();
        JobWatcher.Builder wb = client != null ? JobWatcher.builder(client) : JobWatcher.builder(api);
        wb.policy(options.pollPolicy());
        if (options.scheduler() != null) {
            wb.scheduler(scheduler);
        }
        if (options.clock() != null) {
            wb.clock(options.clock());
        }
        this.watcher = wb.build();
        this.active = new ActiveSlots(options.maxActive());
        this.creator = new Creator(api, ledger, options, scheduler, shield, this::now);
    }

    /**
     * The results: one per prompt that ends in this run (terminal, or {@code IN_DOUBT}, including prompts a
     * stopped run left {@code CREATING}), as each ends, in no particular order. Completes when every prompt of
     * the input is settled; fails with a {@link LedgerException} when the ledger refuses the input (nothing is
     * sent then), or with the {@code AccessDeniedException} that stopped creating.
     * May be subscribed once.
     */
    public Flux<FanOutResult> results() {
        return Flux.defer(() -> {
            if (!subscribed.compareAndSet(false, true)) {
                return Flux.error(new IllegalStateException("a fan-out run's results may be subscribed once;"
                        + " start another run"));
            }
            Mono<List<PromptRecord>> recover = ledger.recoverInterrupted(ErrorKind.INTERRUPTED.reason(
                    "a run stopped while this create was in flight; a job may exist"), now());
            return recover.publishOn(scheduler).flatMapMany(recovered -> Flux.concat(
                    // With retryInDoubt they are posted again below, and reported when that ends.
                    options.retryInDoubt() ? Flux.empty() : Flux.fromIterable(recovered).map(FanOutResult::of),
                    register().flatMapMany(this::work)));
        }).doFinally(signal -> {
            try {
                creator.stop();
                watcher.dispose();
            } finally {
                // Whatever stopping threw, progress() subscribers wait on these two: they must hear the end.
                registered.tryEmitEmpty();
                done.tryEmitEmpty();
            }
        });
    }

    /**
     * Counts from the ledger once the input is registered, then every {@code period}, and once more when the run
     * ends; completes then.
     * Reading counts costs one ledger query: a period of a second or more suits a bar, and any period a metrics
     * registry.
     */
    public Flux<Progress> progress(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, was " + period);
        }
        return registered.asMono().thenMany(Flux.interval(Duration.ZERO, period, scheduler))
                .onBackpressureDrop()
                .concatMap(tick -> snapshot())
                .takeUntilOther(done.asMono())
                .concatWith(Mono.defer(this::snapshot));
    }

    /** The counts now. */
    public Mono<Progress> snapshot() {
        return Mono.defer(() -> {
            Instant now = now();
            CreateRate rate = options.createRate();
            return Mono.zip(ledger.counts(), ledger.createsSince(project, now.minus(rate.window())))
                    .publishOn(scheduler)
                    .map(t -> {
                        Map<PromptState, Long> counts = t.getT1();
                        long toSend = counts.getOrDefault(PromptState.PENDING, 0L)
                                + (options.retryInDoubt() ? counts.getOrDefault(PromptState.IN_DOUBT, 0L) : 0L);
                        Duration left = BudgetForecast.timeLeft(t.getT2(), rate, toSend, now);
                        return Progress.of(counts, rate.isUnlimited() ? 0 : t.getT2().size(), left,
                                creator.pausedUntil(), now);
                    });
        });
    }

    /**
     * Completes when no create of this run is between its claim and the ledger's record of its answer: after a
     * cancel, wait for this (with a timeout) before closing the ledger.
     */
    public Mono<Void> whenIdle() {
        return shield.idle();
    }

    /** The project this run creates in. */
    public String project() {
        return project;
    }

    /** Registers the input in batches (one batch of texts in memory at a time) and keeps only the keys. */
    private Mono<Set<String>> register() {
        Set<String> ids = new HashSet<>();
        return prompts.buffer(REGISTER_BATCH)
                .concatMap(batch -> {
                    for (PromptInput p : batch) {
                        if (!ids.add(p.customId())) {
                            return Mono.error(new IllegalArgumentException("customId '" + p.customId()
                                    + "' appears twice in the input"));
                        }
                    }
                    return ledger.register(project, batch);
                })
                .then(Mono.fromSupplier(() -> ids))
                .publishOn(scheduler)
                .doOnSuccess(x -> registered.tryEmitEmpty());
    }

    private Flux<FanOutResult> work(Set<String> ids) {
        // Rows without their texts: a create reads its one prompt in its claim, so no prompt text is held here.
        Mono<List<PromptSummary>> created = ledger.summaries(EnumSet.of(PromptState.CREATED))
                .filter(r -> ids.contains(r.customId())).collectList();
        Set<PromptState> creatable = options.retryInDoubt()
                ? EnumSet.of(PromptState.PENDING, PromptState.IN_DOUBT) : EnumSet.of(PromptState.PENDING);
        Mono<List<String>> toCreate = ledger.summaries(creatable).map(PromptSummary::customId)
                .filter(ids::contains).collectList();
        return Mono.zip(created, toCreate).publishOn(scheduler).flatMapMany(t -> {
            // Jobs that exist already are watched at once and take their slot even past maxActive.
            Flux<FanOutResult> watches = Flux.fromIterable(t.getT1()).flatMap(r -> {
                active.force();
                return finish(r.customId(), r.jobId(), r.attemptedAt(), watcher.watch(r.jobId()));
            }, Integer.MAX_VALUE);
            Flux<FanOutResult> creates = Flux.fromIterable(t.getT2())
                    .flatMap(id -> active.acquire().then(creator.create(id)), options.createsInFlight())
                    .flatMap(outcome -> outcome.job() == null ? releasing(Mono.justOrEmpty(outcome.result()))
                            : finish(outcome.customId(), outcome.job().id(), outcome.attemptedAt(),
                                    watcher.watchCreated(outcome.job())), Integer.MAX_VALUE);
            return Flux.merge(watches, creates);
        });
    }

    /** Watches a job to its end and records that end; the prompt's slot is given back after. */
    private Mono<FanOutResult> finish(String customId, String jobId, Instant attemptedAt, Flux<JobEvent> events) {
        return releasing(events.last().publishOn(scheduler).flatMap(event -> {
            Job job = event.job();
            PromptState state = job.status() == JobStatus.COMPLETED ? PromptState.COMPLETED
                    : job.status() == JobStatus.FAILED ? PromptState.FAILED : PromptState.ARCHIVED;
            return ledger.markFinished(customId, state, job.prLink(), null, now())
                    .then(Mono.fromSupplier(() -> new FanOutResult(customId, jobId, state, job.prLink(), null, null,
                            attemptedAt)));
        }).onErrorResume(e -> !(e instanceof LedgerException || e instanceof AccessDeniedException
                || e instanceof IllegalStateException), e -> {
            // The watch ended on our side of the contract. A bad key, a closed client and a failing ledger end
            // the run instead, leaving the prompt CREATED for the next run to watch again.
            ErrorKind kind = e instanceof WatchLimitExceededException limit
                    ? (limit.limit() == WatchLimitExceededException.Limit.DEADLINE ? ErrorKind.DEADLINE_EXCEEDED
                            : ErrorKind.POLL_LIMIT)
                    : e instanceof JobNotFoundException ? ErrorKind.JOB_NOT_FOUND : ErrorKind.OTHER;
            String message = String.valueOf(e.getMessage());
            return ledger.markFinished(customId, PromptState.ERROR, null, kind.reason(message), now())
                    .publishOn(scheduler)
                    .then(Mono.fromSupplier(() -> new FanOutResult(customId, jobId, PromptState.ERROR, null, kind,
                            message, attemptedAt)));
        }).publishOn(scheduler));
    }

    private <T> Mono<T> releasing(Mono<T> work) {
        return work.doFinally(signal -> active.release());
    }

    Instant now() {
        return options.clock() != null ? options.clock().instant()
                : Instant.ofEpochMilli(scheduler.now(TimeUnit.MILLISECONDS));
    }

    /**
     * Counts of a fan-out's prompts by state, read from its ledger, with the create budget's view of what is left:
     * for a progress bar or a metrics registry.
     *
     * <pre>{@code
     * run.progress(Duration.ofSeconds(5)).subscribe(p ->
     *         log.info("{}/{} done, {} active, {} creates in the last hour, about {} of creating left",
     *                 p.done(), p.total(), p.active(), p.createsInWindow(), p.createTimeLeft()));
     * }</pre>
     *
     * @param pending         prompts waiting for their create
     * @param creating        creates claimed and not answered yet
     * @param active          jobs created and not ended ({@code CREATED})
     * @param completed       jobs ended {@code completed}
     * @param failed          jobs ended {@code failed}
     * @param archived        jobs ended {@code archived}
     * @param inDoubt         creates whose outcome is unknown
     * @param rejected        prompts the server refused as invalid
     * @param errors          prompts ended on our side (deadline, poll cap, job gone)
     * @param createsInWindow creates counted in the budget's current window (the last hour by default)
     * @param createTimeLeft  how long until the last create still to send may leave, by the budget alone (zero when
     *                        the budget holds nothing back); jobs still take their own time after that
     * @param createsPausedUntil until when creates wait because the server refused one (a 429, its
     *                        {@code Retry-After} capped at {@link FanOutOptions#maxRefusalBackoff()}), or {@code null}
     *                        when they do not wait for that
     * @param at              when these counts were read
     */
    public record Progress(long pending, long creating, long active, long completed, long failed, long archived,
                           long inDoubt, long rejected, long errors, int createsInWindow, Duration createTimeLeft,
                           Instant createsPausedUntil, Instant at) {

        public Progress {
            Objects.requireNonNull(createTimeLeft, "createTimeLeft");
            Objects.requireNonNull(at, "at");
        }

        /** Progress from a ledger's {@link JobLedger#counts()}. */
        static Progress of(Map<PromptState, Long> counts, int createsInWindow, Duration createTimeLeft,
                           Instant createsPausedUntil, Instant at) {
            return new Progress(n(counts, PromptState.PENDING), n(counts, PromptState.CREATING),
                    n(counts, PromptState.CREATED), n(counts, PromptState.COMPLETED), n(counts, PromptState.FAILED),
                    n(counts, PromptState.ARCHIVED), n(counts, PromptState.IN_DOUBT), n(counts, PromptState.REJECTED),
                    n(counts, PromptState.ERROR), createsInWindow, createTimeLeft, createsPausedUntil, at);
        }

        private static long n(Map<PromptState, Long> counts, PromptState state) {
            return counts.getOrDefault(state, 0L);
        }

        /** Every prompt in the ledger. */
        public long total() {
            return pending + creating + active + done() + inDoubt;
        }

        /** Prompts in a terminal state. */
        public long done() {
            return completed + failed + archived + rejected + errors;
        }
    }
}
