package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.internal.ClientInternals;
import dev.agentjobs.internal.Metrics;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The watch engine: creates jobs and polls them to their end, emitting only status <em>transitions</em>.
 *
 * <p>Each job has at most one poll loop in a watcher, whatever the number of subscribers: a second
 * {@link #watch} of a job joins the first (and gets the latest event at once); the loop stops when the job
 * ends or its last subscriber leaves. Loops are timers on the client's event loop, so 100,000 jobs cost
 * timers and small objects, not threads. Polls of one API endpoint and project share a Resilience4j
 * circuit breaker: while it is open, polls wait for it to half-open; jobs do not fail.
 *
 * <pre>{@code
 * JobWatcher watcher = JobWatcher.builder(client)
 *         .policy(PollPolicy.defaults().deadline(Duration.ofMinutes(30)))
 *         .build();
 * watcher.submit("Document the /health endpoint")
 *         .subscribe(e -> log.info("{} {} -> {}", e.jobId(), e.previous(), e.status()));
 * Job done = watcher.awaitTerminal("job_123").block();   // resume from a saved id
 * }</pre>
 *
 * <p>A terminal {@code failed} or {@code archived} is an event, not an error. Errors are what went wrong on
 * this side of the contract: {@link dev.agentjobs.api.DeadlineExceededException},
 * {@link dev.agentjobs.api.PollLimitExceededException}, {@link dev.agentjobs.api.JobNotFoundException},
 * {@link dev.agentjobs.api.UnauthorizedException}, {@link dev.agentjobs.api.ForbiddenException}, and
 * {@link dev.agentjobs.api.OutcomeUnknownException} from a create or message. Transient poll failures
 * (transport, timeouts, 5xx, 429) never end a watch: they put the next poll off.
 *
 * <p>Threads and context: events are delivered on the client's event loop (the application's, when it lent its
 * {@code LoopResources}), so a subscriber that blocks must move first, {@code .publishOn(Schedulers.boundedElastic())};
 * blocking there stalls every job of the client. A create or message runs with its subscriber's Reactor
 * {@code Context}; the polls of a job run with the {@code Context} of the watch that started its loop (a watch
 * that joins a running loop does not change it). A subscriber that throws is cancelled and told alone: the loop and
 * the job's other subscribers go on.
 */
public final class JobWatcher implements Disposable {

    private final WatchEngine engine;
    private final JobsApi api;
    private final Disposable closeHook;

    private JobWatcher(Builder b) {
        Scheduler scheduler = b.scheduler != null ? b.scheduler : Schedulers.parallel();
        Clock clock = b.clock != null ? b.clock : new SchedulerClock(scheduler);
        CircuitBreakerRegistry registry = b.breakers != null ? b.breakers
                : CircuitBreakerRegistry.of(defaultBreakerConfig(new SchedulerClock(scheduler)));
        this.api = b.api;
        this.engine = new WatchEngine(b.api, b.policy, scheduler, clock, b.listener,
                registry.circuitBreaker(b.breakerName), b.random, b.durationModel, b.metrics);
        b.metrics.bindBreakers(registry);
        // Closing the client stops its event loop and with it every poll timer: end the watches instead of
        // leaving their subscribers waiting forever.
        this.closeHook = b.clientClosing == null ? Disposables.disposed() : b.clientClosing.subscribe(null, null,
                () -> engine.close(new IllegalStateException("the client was closed")));
    }

    /**
     * A builder over a client: polls run on the client's scheduler (its event loop), events are stamped by
     * its clock, and the breaker is named after its base URL and project.
     */
    public static Builder builder(AgentJobsClient client) {
        Objects.requireNonNull(client, "client");
        Builder b = new Builder(client).scheduler(client.scheduler()).clock(client.clock())
                .listener(client.listener()).breakerName(client.baseUrl() + " " + client.projectId());
        b.clientClosing = client.onClose();
        b.metrics = ClientInternals.metrics(client);
        return b;
    }

    /**
     * A builder over any {@link JobsApi}, an in-process fake for instance. Unless set, polls run on
     * {@link Schedulers#parallel()} and events are stamped with that scheduler's time.
     */
    public static Builder builder(JobsApi api) {
        return new Builder(Objects.requireNonNull(api, "api"));
    }

    /**
     * The breaker configuration used when no registry is given: opens when half of the last 50 polls (20 at
     * least) failed transiently, stays open 15 s, then lets 5 trial polls through. Only transient failures
     * count (a 404 is an answer, not an outage); stack traces are off so 100k deferred polls stay cheap.
     */
    public static CircuitBreakerConfig defaultBreakerConfig(Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(50)
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(15))
                .permittedNumberOfCallsInHalfOpenState(5)
                .recordException(WatchEngine::isTransient)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build();
    }

    /**
     * Creates a job, then watches it: {@code CREATED} first, then each transition, {@code TERMINAL} last.
     * Each subscription creates one job (the create is not shared or repeated); to follow the same job
     * elsewhere, {@link #watch} its id. A create answered with a terminal status gives exactly two events,
     * {@code CREATED} and {@code TERMINAL}, both on that snapshot and with {@code previous} null (no other
     * status was seen), and sends no GET.
     */
    public Flux<JobEvent> submit(String prompt) {
        return api.create(prompt).flatMapMany(job -> {
            if (job.id() == null) {
                return Flux.error(new OutcomeUnknownException("create: the job was created but the response holds"
                        + " no id to watch it by", null, 0, null, null, null));
            }
            JobEvent created = new JobEvent(JobEvent.Kind.CREATED, job, null, engine.clock.instant());
            return engine.attach(job.id(), engine.firstPollDelayMillis(job), job, created, false);
        });
    }

    /**
     * Watches a job the caller has just created itself (a fan-out creates, records the id, then watches): like
     * {@link #submit} after its create, {@code CREATED} first and the first poll after the policy's first-poll
     * delay rather than at once, so a new job costs no needless GET.
     *
     * <pre>{@code
     * Job job = api.create(prompt).block();
     * ledger.markCreated(key, job.id(), now).block();
     * watcher.watchCreated(job).subscribe(...);
     * }</pre>
     */
    public Flux<JobEvent> watchCreated(Job created) {
        Objects.requireNonNull(created, "created");
        requireId(created.id());
        return Flux.defer(() -> {
            JobEvent event = new JobEvent(JobEvent.Kind.CREATED, created, null, engine.clock.instant());
            return engine.attach(created.id(), engine.policy.firstPollDelay().toMillis() + engine.spreadMillis(),
                    created, event, false);
        });
    }

    /**
     * Watches an existing job by id (all that is needed to resume after a restart): its current status
     * first, then each transition, {@code TERMINAL} last.
     */
    public Flux<JobEvent> watch(String jobId) {
        requireId(jobId);
        return engine.attach(jobId, engine.spreadMillis(), null, null, false);
    }

    /** Creates a job and waits for its terminal snapshot, whatever that status is: check it. */
    public Mono<Job> run(String prompt) {
        return lastJob(submit(prompt));
    }

    /** Waits for a job's terminal snapshot, whatever that status is: check it. */
    public Mono<Job> awaitTerminal(String jobId) {
        return lastJob(watch(jobId));
    }

    /**
     * Sends a follow-up message, then watches the job through {@code active} again to its next terminal
     * status. The first event tells the job as the message call returned it (or, when the job is being
     * watched already, its latest state). Terminal snapshots seen before {@code active} are taken for the
     * state before the message until the policy's follow-up grace runs out. A poll sent before the message was
     * accepted (one in flight when the follow-up joins a running watch) never ends it: what it read is older.
     */
    public Flux<JobEvent> followUp(String jobId, String prompt) {
        requireId(jobId);
        return api.sendMessage(jobId, prompt).flatMapMany(job -> {
            JobEvent sent = new JobEvent(JobEvent.Kind.STATUS_CHANGED, job, null, engine.clock.instant());
            return engine.attach(jobId, engine.policy.interval().toMillis(), job, sent, true);
        });
    }

    /** Jobs with a running poll loop. */
    public int activeWatches() {
        return engine.activeLoops();
    }

    /** The policy this watcher polls with. */
    public PollPolicy policy() {
        return engine.policy;
    }

    /**
     * The duration model an adaptive policy plans with and teaches (the one given to the builder, or this
     * watcher's own); empty when the policy is not adaptive. Save it to start the next run warm.
     */
    public Optional<DurationModel> durationModel() {
        return engine.planner == null ? Optional.empty() : Optional.of(engine.planner.model());
    }

    /**
     * Stops every poll loop; their subscribers, and any later subscriber, get an {@link IllegalStateException}.
     * The client stays open. Closing the client does the same to every watcher built on it.
     */
    @Override
    public void dispose() {
        closeHook.dispose();
        engine.close(new IllegalStateException("the job watcher was disposed"));
    }

    @Override
    public boolean isDisposed() {
        return engine.isClosed();
    }

    private static Mono<Job> lastJob(Flux<JobEvent> events) {
        return events.last().map(JobEvent::job);
    }

    private static void requireId(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            throw new IllegalArgumentException("jobId must not be null, empty or blank, was '" + jobId + "'");
        }
    }

    /** Settings of a {@link JobWatcher}. */
    public static final class Builder {
        private final JobsApi api;
        private PollPolicy policy = PollPolicy.defaults();
        private Scheduler scheduler;
        private Clock clock;
        private AgentJobsListener listener = AgentJobsListener.NONE;
        private CircuitBreakerRegistry breakers;
        private String breakerName = "agentjobs";
        private RandomGenerator random = new ThreadLocalRandomGenerator();
        private Mono<Void> clientClosing;
        private DurationModel durationModel;
        private Metrics metrics = Metrics.NONE;

        private Builder(JobsApi api) {
            this.api = api;
        }

        /** The poll schedule; {@link PollPolicy#defaults()} by default. */
        public Builder policy(PollPolicy value) {
            this.policy = Objects.requireNonNull(value, "policy");
            return this;
        }

        /** Where poll timers run. Tests pass a virtual-time scheduler. */
        public Builder scheduler(Scheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** The clock stamping events. */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Told of every deferred poll. */
        public Builder listener(AgentJobsListener value) {
            this.listener = Objects.requireNonNull(value, "listener");
            return this;
        }

        /**
         * Where the breaker comes from (shared with the rest of an application, for instance); by default a
         * private registry with {@link #defaultBreakerConfig}.
         */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry value) {
            this.breakers = Objects.requireNonNull(value, "circuitBreakerRegistry");
            return this;
        }

        /** The breaker's name in the registry; by default the client's base URL and project id. */
        public Builder breakerName(String value) {
            Objects.requireNonNull(value, "breakerName");
            if (value.isBlank()) {
                throw new IllegalArgumentException("breakerName must not be blank");
            }
            this.breakerName = value;
            return this;
        }

        /** The source of jitter and spread; a seeded one makes a schedule repeatable. Must be thread-safe. */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /**
         * The model an adaptive policy ({@link PollPolicy#adaptive}) plans with and learns into; by default a new,
         * empty one per watcher. Pass one to share what is learned between watchers of the same API endpoint and
         * project, or a {@link DurationModel#load loaded} one to start warm. Ignored by a policy that is not
         * adaptive.
         */
        public Builder durationModel(DurationModel value) {
            this.durationModel = Objects.requireNonNull(value, "durationModel");
            return this;
        }

        public JobWatcher build() {
            return new JobWatcher(this);
        }
    }

    /** Delegates to the calling thread's {@link ThreadLocalRandom}: thread-safe without contention. */
    private static final class ThreadLocalRandomGenerator implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }
    }
}
