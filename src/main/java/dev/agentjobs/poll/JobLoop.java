package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.DeadlineExceededException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.PollLimitExceededException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * The one poll loop of one job, shared by all its subscribers.
 *
 * <p>It is a plain timer chain rather than an operator pipeline ({@code Mono.delay(...).repeat()}): one
 * scheduled task or one request in flight at a time, so a waiting job costs this object, its last
 * snapshot and one timer entry (see REACTOR-NOTES: what each timer captures is what costs at 100k jobs).
 * Only one step runs at a time (a timer fires, its request completes, the next timer is set), so the poll
 * state needs no lock; the subscriber count, touched from subscribers' threads, is guarded by {@code this}.
 */
final class JobLoop extends LatestFanout implements Runnable {

    private final WatchEngine engine;
    final String jobId;

    // Guarded by this.
    private int subscribers;
    private boolean started;
    private boolean stopped;

    /** The timer or the request of the current step, whichever is live: what a stop must cancel. */
    private volatile Disposable pending;
    /** Until when a terminal status is taken for the state before a follow-up; 0 when not waiting. */
    private volatile long awaitActiveUntilMillis;

    // Poll state: touched by one step at a time.
    private Job last;
    private long startedAtMillis;
    // Ints: a loop polling every second for a deadline of years would still fit, and each long costs a
    // waiting job 4 bytes more.
    private int polls;
    private int successfulPolls;
    private int failures;

    JobLoop(WatchEngine engine, String jobId) {
        this.engine = engine;
        this.jobId = jobId;
    }

    /**
     * The events of this loop for one subscriber, counted from its subscription until it ends or cancels.
     * The loop, not a refCount operator, owns the multicast, so the last subscriber leaving stops the polls
     * and nothing restarts them behind a caller's back (REACTOR-NOTES pitfall 8). {@code afterSubscribe}
     * runs once the subscriber is registered, so a loop started there cannot emit before it listens.
     */
    Flux<JobEvent> events(Runnable afterSubscribe) {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super JobEvent> actual) {
                subscribeEvents(actual);
                afterSubscribe.run();
            }
        };
    }

    @Override
    void subscriberGone() {
        removeSubscriber();
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
     * Starts polling after {@code firstDelayMillis}, once; a later call only joins. {@code seed}, when given,
     * is the state this engine already knows (a job it just created, or the answer to a follow-up message)
     * and {@code seedEvent} the event that tells it, the first event of a new loop. With {@code awaitActive}
     * (a follow-up), terminal snapshots are taken for the state before the message until {@code active}
     * shows or the policy's follow-up grace runs out; this holds for a loop that was already running too.
     */
    void start(long firstDelayMillis, Job seed, JobEvent seedEvent, boolean awaitActive) {
        boolean first;
        synchronized (this) {
            if (stopped) {
                return;
            }
            first = !started;
            started = true;
        }
        if (awaitActive && (seed == null || seed.status() != JobStatus.ACTIVE)) {
            awaitActiveUntilMillis = engine.nowMillis() + engine.policy.followUpGrace().toMillis();
        }
        if (!first) {
            // Joined a running loop: its subscribers already saw the state; the seed would repeat it.
            return;
        }
        startedAtMillis = engine.nowMillis();
        if (seedEvent != null) {
            emit(seedEvent);
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
        // Published before subscribing: an answer that comes back at once (an open breaker's) sets the next
        // timer as the pending step, and must not be overwritten by this finished request afterwards.
        Poll poll = new Poll();
        pending = poll;
        engine.api.get(jobId, CallRetryPolicy.none())
                .transformDeferred(CircuitBreakerOperator.of(engine.breaker))
                .subscribe(poll);
        if (isStopped()) {
            poll.dispose();
        }
    }

    /** One poll's answer; any failure in handling it ends the watch with that failure, never silently. */
    private final class Poll extends BaseSubscriber<Job> {
        @Override
        protected void hookOnNext(Job job) {
            try {
                onJob(job);
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                finish(t);
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            try {
                onPollError(error);
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                finish(t);
            }
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
                emit(new JobEvent(JobEvent.Kind.TERMINAL, Transitions.sharing(last, job), last.status(),
                        engine.clock.instant()));
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

    private void onPollError(Throwable error) {
        long delay;
        if (error instanceof CallNotPermittedException) {
            // The breaker holds polls back: no request left, so this does not count as a poll. While it is
            // open, wait out its open period; half-open, it admits a few trial polls, so try again soon.
            polls--;
            long wait = engine.breaker.getState() == CircuitBreaker.State.HALF_OPEN
                    ? engine.policy.interval().toMillis() : engine.breakerWaitMillis();
            delay = engine.policy.jittered(wait, engine.random());
        } else if (error instanceof AgentJobsException e && e.isTransient()) {
            failures++;
            delay = e.retryAfter()
                    .map(ra -> Math.min(ra.toMillis(), engine.policy.maxRetryAfter().toMillis()))
                    .orElseGet(() -> engine.policy.jittered(engine.policy.errorBackoffMillis(failures), engine.random()));
        } else {
            finish(error);
            return;
        }
        engine.pollDeferred(jobId, delay, error);
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
        Disposable timer;
        try {
            timer = engine.scheduler.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // The scheduler (the client's event loop) is shut down: no poll can ever run again.
            finish(new IllegalStateException("job '" + jobId + "': cannot schedule the next poll: "
                    + rejected.getMessage(), rejected));
            return;
        }
        pending = timer;
        if (isStopped()) {
            timer.dispose();
        }
    }

    private void emit(JobEvent event) {
        emitEvent(event);
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
        terminateEvents(error);
    }

    /** Ends the loop from outside (the watcher or the client is being closed). */
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
