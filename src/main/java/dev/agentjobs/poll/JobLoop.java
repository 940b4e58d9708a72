package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.DeadlineExceededException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.PollLimitExceededException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * The one poll loop of one job, shared by all its subscribers.
 *
 * <p>It is a plain timer chain rather than an operator pipeline ({@code Mono.delay(...).repeat()}): one
 * scheduled task or one request in flight at a time, so a waiting job costs this object, its last
 * snapshot and one timer entry (see REACTOR-NOTES: what each timer captures is what costs at 100k jobs).
 * Only one step runs at a time (a timer fires, its request completes, the next timer is set), so the poll
 * state needs no lock; the subscriber count, touched from subscribers' threads, is guarded by {@code this}.
 */
final class JobLoop implements Runnable {

    private final WatchEngine engine;
    final String jobId;
    // Late subscribers get the latest event at once; the sink is owned here, not restarted by refCount
    // (REACTOR-NOTES pitfall 8).
    private final Sinks.Many<JobEvent> sink = Sinks.many().replay().latest();

    // Guarded by this.
    private int subscribers;
    private boolean started;
    private boolean stopped;

    private volatile Disposable pending;

    /**
     * Emissions come from one poll step at a time; only {@link #abort} (a watcher disposed from another
     * thread) can overlap one, and then the loser retries briefly instead of dropping its signal.
     */
    private static final Sinks.EmitFailureHandler RETRY_CONCURRENT =
            Sinks.EmitFailureHandler.busyLooping(Duration.ofMillis(100));

    // Poll state: touched by one step at a time.
    private Job last;
    private long startedAtMillis;
    private long polls;
    private long successfulPolls;
    private int failures;
    private long awaitActiveUntilMillis;

    JobLoop(WatchEngine engine, String jobId) {
        this.engine = engine;
        this.jobId = jobId;
    }

    /** Registers a subscriber; false when the loop already stopped and a fresh one must be made. */
    synchronized boolean tryAddSubscriber() {
        if (stopped) {
            return false;
        }
        subscribers++;
        return true;
    }

    /**
     * The events of this loop for one subscriber. {@code afterSubscribe} runs once the subscriber is
     * registered with the sink, so a loop started there cannot emit before its first subscriber listens.
     */
    Flux<JobEvent> events(Runnable afterSubscribe) {
        return new AfterSubscribe<>(sink.asFlux().doFinally(signal -> removeSubscriber()), afterSubscribe);
    }

    /**
     * Starts polling after {@code firstDelayMillis}, once. {@code seed}, when given, is the state this engine
     * already knows (a job it just created, or the answer to a follow-up message) and {@code seedEvent} the
     * event that tells it. With {@code awaitActive}, terminal snapshots are taken for the state before a
     * follow-up until {@code active} shows or the policy's follow-up grace runs out.
     */
    void start(long firstDelayMillis, Job seed, JobEvent seedEvent, boolean awaitActive) {
        synchronized (this) {
            if (started || stopped) {
                return;
            }
            started = true;
        }
        startedAtMillis = engine.nowMillis();
        if (seedEvent != null) {
            emit(seedEvent);
        }
        if (awaitActive && (seed == null || seed.status() != JobStatus.ACTIVE)) {
            awaitActiveUntilMillis = startedAtMillis + engine.policy.followUpGrace().toMillis();
        }
        // A seed that is already terminal is not remembered: the first poll then reports it as TERMINAL.
        last = seed != null && seed.isTerminal() && !awaitActive ? null : seed;
        schedule(last == null && seed != null ? 0 : firstDelayMillis);
    }

    @Override
    public void run() {
        if (isStopped()) {
            return;
        }
        if (deadlinePassed()) {
            finish(new DeadlineExceededException("job '" + jobId + "': no terminal status within the deadline of "
                    + engine.policy.deadline(), jobId, 0, null, null, null));
            return;
        }
        polls++;
        pending = engine.api.get(jobId, CallRetryPolicy.none())
                .transformDeferred(CircuitBreakerOperator.of(engine.breaker))
                .subscribe(this::onJob, this::onError);
        if (isStopped()) {
            pending.dispose();
        }
    }

    private void onJob(Job job) {
        failures = 0;
        successfulPolls++;
        if (job.status() == JobStatus.ACTIVE) {
            awaitActiveUntilMillis = 0;
        }
        boolean ignoreTerminal = job.isTerminal() && awaitActiveUntilMillis > engine.nowMillis();
        if (!ignoreTerminal) {
            if (Transitions.isChange(last, job)) {
                // Only a change replaces the kept snapshot, and the new one shares what did not change with
                // the old: a waiting job holds one snapshot, not one per poll.
                Job kept = Transitions.sharing(last, job);
                Transitions.diff(last, kept, engine.clock.instant(), this::emit);
                last = kept;
            } else if (job.isTerminal()) {
                // A follow-up whose grace ran out without showing active: the watch still ends with TERMINAL.
                emit(new JobEvent(JobEvent.Kind.TERMINAL, last, last.status(), engine.clock.instant()));
            }
            if (job.isTerminal()) {
                finish(null);
                return;
            }
        }
        if (!pollLimitHit()) {
            schedule(engine.policy.jittered(engine.policy.nominalIntervalMillis(successfulPolls), engine.random()));
        }
    }

    private void onError(Throwable error) {
        long delay;
        if (error instanceof CallNotPermittedException) {
            // The breaker is open: no request left, so this does not count as a poll. Wait for it to half-open.
            polls--;
            delay = engine.policy.jittered(engine.breakerWaitMillis(), engine.random());
        } else if (error instanceof AgentJobsException e && e.isTransient()) {
            failures++;
            delay = e.retryAfter()
                    .map(ra -> Math.min(ra.toMillis(), engine.policy.maxRetryAfter().toMillis()))
                    .orElseGet(() -> engine.policy.jittered(engine.policy.errorBackoffMillis(failures), engine.random()));
        } else {
            finish(error);
            return;
        }
        engine.listener.pollDeferred(jobId, Duration.ofMillis(delay), error);
        if (!pollLimitHit()) {
            schedule(delay);
        }
    }

    private boolean pollLimitHit() {
        long max = engine.policy.maxPolls();
        if (max > 0 && polls >= max) {
            finish(new PollLimitExceededException("job '" + jobId + "': no terminal status within the cap of "
                    + max + " polls", jobId, 0, null, null, null));
            return true;
        }
        return false;
    }

    private boolean deadlinePassed() {
        Duration deadline = engine.policy.deadline();
        return deadline != null && engine.nowMillis() - startedAtMillis >= deadline.toMillis();
    }

    private void schedule(long delayMillis) {
        Duration deadline = engine.policy.deadline();
        if (deadline != null) {
            // Wake up at the deadline rather than sleep past it.
            long left = startedAtMillis + deadline.toMillis() - engine.nowMillis();
            delayMillis = Math.min(delayMillis, Math.max(0, left));
        }
        Disposable timer = engine.scheduler.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        pending = timer;
        if (isStopped()) {
            timer.dispose();
        }
    }

    private void emit(JobEvent event) {
        sink.emitNext(event, RETRY_CONCURRENT);
    }

    /** Ends the loop: completes every subscriber, or fails them with {@code error}. */
    private void finish(Throwable error) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        engine.remove(this);
        if (error == null) {
            sink.emitComplete(RETRY_CONCURRENT);
        } else {
            sink.emitError(error, RETRY_CONCURRENT);
        }
    }

    /** Ends the loop from outside (the engine is being disposed). */
    void abort(Throwable error) {
        Disposable p = pending;
        finish(error);
        if (p != null) {
            p.dispose();
        }
    }

    private void removeSubscriber() {
        synchronized (this) {
            if (--subscribers > 0 || stopped) {
                return;
            }
            stopped = true;
        }
        // The last subscriber left: stop polling at once, timer or request in flight alike.
        engine.remove(this);
        Disposable p = pending;
        if (p != null) {
            p.dispose();
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }
}
