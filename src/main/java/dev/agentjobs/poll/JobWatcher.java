package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.internal.Breakers;
import dev.agentjobs.internal.Checks;
import dev.agentjobs.internal.SchedulerClock;
import dev.agentjobs.internal.http.ClientScope;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import reactor.core.Disposable;
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
 * <p><b>Lifecycle.</b> A watcher is cheap and {@link AutoCloseable}: one per request is fine. Everything
 * per project lives in the client, not in the watcher: all watchers built on one client poll through the
 * client's one circuit breaker (so one that sees the API down holds back the others) and, for an adaptive
 * policy, learn into the client's one duration model, unless the builder is given others. A watcher holds
 * nothing of its client while it has no running watch, so one that is dropped without being closed is
 * collected like any object. {@link #close()} ends its running watches at once and never blocks;
 * {@link #closeGracefully()} is the same as a {@code Mono}. Closing the client ends the watches of every
 * watcher built on it.
 *
 * <pre>{@code
 * try (JobWatcher perRequest = JobWatcher.builder(client).build()) {
 *     Job job = perRequest.awaitTerminal(id).block(Duration.ofMinutes(30));
 * }
 * }</pre>
 *
 * <p>A terminal {@code failed} or {@code archived} is an event, not an error. Errors are what went wrong on
 * this side of the contract: {@link dev.agentjobs.api.WatchLimitExceededException} (deadline or poll cap),
 * {@link dev.agentjobs.api.JobNotFoundException}, {@link dev.agentjobs.api.AccessDeniedException}, and
 * {@link dev.agentjobs.api.OutcomeUnknownException} from a create or message. Transient poll failures
 * (transport, timeouts, 5xx, 429) never end a watch: they put the next poll off.
 */
public final class JobWatcher implements Disposable, AutoCloseable {

    private final WatchEngine engine;
    private final JobsApi api;

    private JobWatcher(Builder b) {
        Scheduler scheduler = b.scheduler != null ? b.scheduler : Schedulers.parallel();
        Clock clock = b.clock != null ? b.clock : new SchedulerClock(scheduler);
        CircuitBreaker breaker;
        if (b.breakers != null) {
            breaker = b.breakers.circuitBreaker(b.breakerName);
        } else if (b.client != null) {
            breaker = b.client.breakers().circuitBreaker(b.breakerName);
        } else {
            breaker = CircuitBreaker.of(b.breakerName, defaultBreakerConfig(new SchedulerClock(scheduler)));
        }
        DurationModel model = b.durationModel;
        if (model == null && b.client != null && b.policy.isAdaptive()) {
            model = b.client.shared(DurationModel.class, DurationModel::learning);
        }
        this.api = b.api;
        this.engine = new WatchEngine(b.api, b.policy, scheduler, clock, b.listener, breaker, b.random, model,
                b.client);
    }

    /**
     * A builder over a client: polls run on the client's scheduler (its event loop), one attempt each, events
     * are stamped by its clock, and polls go through the client's breaker for its base URL and project, shared
     * with every other watcher on the client.
     */
    public static Builder builder(AgentJobsClient client) {
        Objects.requireNonNull(client, "client");
        ClientScope scope = ClientScope.of(client);
        Builder b = new Builder(new SingleAttemptPolls(client, scope)).scheduler(scope.scheduler())
                .clock(scope.clock()).listener(scope.listener()).breakerName(scope.breakerName());
        b.client = scope;
        return b;
    }

    /**
     * A builder over any {@link JobsApi}, an in-process fake for instance. Unless set, polls run on
     * {@link Schedulers#parallel()}, events are stamped with that scheduler's time, and the watcher has a
     * breaker of its own.
     */
    public static Builder builder(JobsApi api) {
        return new Builder(Objects.requireNonNull(api, "api"));
    }

    /**
     * The breaker configuration of a client's breaker, and of a watcher's own when it has no client: opens
     * when half of the last 50 polls (20 at least) failed transiently, stays open 15 s, then lets 5 trial
     * polls through. Only transient failures count (a 404 is an answer, not an outage); stack traces are off
     * so 100k deferred polls stay cheap.
     *
     * <pre>{@code
     * CircuitBreakerRegistry appWide = CircuitBreakerRegistry.of(JobWatcher.defaultBreakerConfig(Clock.systemUTC()));
     * JobWatcher.builder(client).circuitBreakerRegistry(appWide).build();
     * }</pre>
     */
    public static CircuitBreakerConfig defaultBreakerConfig(Clock clock) {
        return Breakers.defaultConfig(clock);
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
                        + " no id to watch it by", null, null));
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
     * Ends every running watch at once: their subscribers, and any later subscriber, get an
     * {@link IllegalStateException}. Never blocks (the poll in flight, if any, is cancelled, not waited
     * for), so any thread may call it; idempotent. The client stays open. Closing the client does the same to
     * every watcher built on it.
     */
    @Override
    public void close() {
        engine.close(new IllegalStateException("the job watcher was closed"));
    }

    /**
     * {@link #close()} as a {@code Mono} for a reactive shutdown; completes once every poll loop has
     * stopped.
     *
     * <pre>{@code
     * watcher.closeGracefully().then(client.closeGracefully()).subscribe();
     * }</pre>
     */
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    /** Same as {@link #close()}. */
    @Override
    public void dispose() {
        close();
    }

    @Override
    public boolean isDisposed() {
        return engine.isClosed();
    }

    private static Mono<Job> lastJob(Flux<JobEvent> events) {
        return events.last().map(JobEvent::job);
    }

    private static void requireId(String jobId) {
        Checks.requireId("jobId", jobId);
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
        private ClientScope client;
        private DurationModel durationModel;

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
         * Where the breaker comes from (shared with the rest of an application, for instance); by default the
         * client's own registry, or a breaker of this watcher's own with {@link #defaultBreakerConfig} when it
         * was built over a plain {@link JobsApi}.
         */
        public Builder circuitBreakerRegistry(CircuitBreakerRegistry value) {
            this.breakers = Objects.requireNonNull(value, "circuitBreakerRegistry");
            return this;
        }

        /** The breaker's name in the registry; by default the client's base URL and project id. */
        public Builder breakerName(String value) {
            this.breakerName = Checks.requireId("breakerName", value);
            return this;
        }

        /** The source of jitter and spread; a seeded one makes a schedule repeatable. Must be thread-safe. */
        public Builder random(RandomGenerator value) {
            this.random = Objects.requireNonNull(value, "random");
            return this;
        }

        /**
         * The model an adaptive policy ({@link PollPolicy#adaptive}) plans with and learns into; by default the
         * client's one model (one per client, shared by its watchers), or a new, empty one per watcher built over
         * a plain {@link JobsApi}. Pass one to share what is learned between watchers of the same API endpoint and
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

    /** A client as the poll loop uses it: a poll is one GET, since the watch's schedule and breaker retry. */
    private record SingleAttemptPolls(AgentJobsClient client, ClientScope scope) implements JobsApi {
        @Override
        public Mono<Job> create(String prompt) {
            return client.create(prompt);
        }

        @Override
        public Mono<Job> get(String jobId) {
            return scope.getOnce(jobId);
        }

        @Override
        public Mono<Job> sendMessage(String jobId, String prompt) {
            return client.sendMessage(jobId, prompt);
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
