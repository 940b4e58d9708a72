package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.internal.Breakers;
import dev.agentjobs.internal.http.ClientScope;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * What every {@link JobLoop} of one {@link JobWatcher} shares, and the registry of running loops by job id.
 *
 * <p>An engine built on a client holds a hook in the client's close list only while it has a running loop,
 * so that closing the client ends those loops (their timers would never fire on a stopped event loop), and
 * an idle watcher, closed or not, is referenced by nothing of the client's.
 */
final class WatchEngine implements DurationModel.InFlight {

    final JobsApi api;
    final PollPolicy policy;
    final Scheduler scheduler;
    final Clock clock;
    final AgentJobsListener listener;
    final CircuitBreaker breaker;
    /** Plans polls from job ages when the policy is adaptive; null otherwise. */
    final AdaptivePlanner planner;
    private final RandomGenerator random;
    private final ConcurrentHashMap<String, JobLoop> loops = new ConcurrentHashMap<>();
    private volatile RuntimeException closed;
    /** The client this engine polls through, or null over a plain JobsApi. */
    private final ClientScope client;
    /** This engine's entry in the client's close list while it has loops (guarded by this); else null. */
    private Disposable clientHook;

    WatchEngine(JobsApi api, PollPolicy policy, Scheduler scheduler, Clock clock, AgentJobsListener listener,
                CircuitBreaker breaker, RandomGenerator random, DurationModel model, ClientScope client) {
        this.client = client;
        this.api = api;
        this.policy = policy;
        this.scheduler = scheduler;
        this.clock = clock;
        this.listener = listener;
        this.breaker = breaker;
        this.random = random;
        // The model (a few KB) exists only for an adaptive policy: the watcher's own unless one was given.
        this.planner = policy.isAdaptive()
                ? new AdaptivePlanner(policy, model != null ? model : DurationModel.learning()) : null;
        if (planner != null) {
            planner.model().register(this);
        }
    }

    /** The model's fit counts this engine's running jobs as right-censored (see {@link DurationModel}). */
    @Override
    public void addRunning(double[] histogram, long fromSeq) {
        for (JobLoop loop : loops.values()) {
            long age = loop.runningAgeMillis(fromSeq);
            if (age >= 0) {
                histogram[DurationGrid.bin(age / 1000.0)]++;
            }
        }
    }

    /**
     * The events of {@code jobId}'s loop, starting the loop if this is its first subscriber. A loop that is
     * running is joined (its latest event comes first); one that has stopped is replaced, so a later watch
     * starts again with a GET. The seed event, if any, reaches the first subscriber through the loop itself,
     * so a subscriber that cancels at any point is always counted out again.
     */
    Flux<JobEvent> attach(String jobId, long firstDelayMillis, Job seed, JobEvent seedEvent, boolean awaitActive) {
        return Flux.defer(() -> {
            if (closed != null) {
                return Flux.error(closed);
            }
            while (true) {
                JobLoop loop = loops.computeIfAbsent(jobId, id -> new JobLoop(this, id));
                if (loop.tryAddSubscriber(awaitActive ? seed : null)) {
                    // After the loop is in the map, so a concurrent remove() of the last other loop either sees
                    // this one or has let go of the hook before this takes it again.
                    holdClient();
                    RuntimeException closedMeanwhile = closed;
                    if (closedMeanwhile != null) {
                        // Raced close(): its sweep may have missed this loop. The subscriber gets the error.
                        loop.abort(closedMeanwhile);
                    }
                    return loop.events(() -> loop.start(firstDelayMillis, seed, seedEvent, awaitActive));
                }
                loops.remove(jobId, loop);
            }
        });
    }

    /**
     * Whether a poll's failure is transient: it defers the next poll instead of ending the watch. The one
     * predicate for the loop and the default breaker, so what the breaker counts as an outage never ends a
     * watch: a transient {@link AgentJobsException} (transport, timeout, 5xx, 429) or a raw
     * {@link TimeoutException} (a {@code timeout()} operator in a user's own {@code JobsApi}).
     */
    static boolean isTransient(Throwable error) {
        return Breakers.isTransient(error);
    }

    void remove(JobLoop loop) {
        loops.remove(loop.jobId, loop);
        if (client != null && loops.isEmpty()) {
            releaseClientIfIdle();
        }
    }

    private void holdClient() {
        if (client == null) {
            return;
        }
        synchronized (this) {
            if (clientHook == null) {
                // Run at once, on this thread, when the client is closing already: the attach then sees closed.
                clientHook = client.onClose(() -> close(new IllegalStateException("the client was closed")));
            }
        }
    }

    private synchronized void releaseClientIfIdle() {
        if (clientHook != null && loops.isEmpty()) {
            clientHook.dispose();
            clientHook = null;
        }
    }

    int activeLoops() {
        return loops.size();
    }

    /** Ends every loop with {@code error}, and every later attach too. Never blocks. */
    void close(RuntimeException error) {
        if (closed != null) {
            return;
        }
        closed = error;
        if (planner != null) {
            planner.model().unregister(this);
        }
        for (JobLoop loop : loops.values()) {
            loop.abort(error);
        }
        if (client != null) {
            releaseClientIfIdle();
        }
    }

    boolean isClosed() {
        return closed != null;
    }

    /** Tells the listener; a listener that throws must not stop a watch, so its failure is dropped here. */
    void pollDeferred(String jobId, long delayMillis, Throwable cause) {
        try {
            listener.pollDeferred(jobId, Duration.ofMillis(delayMillis), cause);
        } catch (RuntimeException listenerFailure) {
            // The listener is observability: its bug is not the job's.
        }
    }

    /**
     * How old {@code job} is: now minus its {@code createdAt} on the engine's clock, within [0,
     * {@link PollPolicy#MAX_DURATION}] (a server clock ahead of ours reads as age 0, never as negative). A
     * job without a {@code createdAt} is taken to be as old as its watch ({@code watchStartMillis}, on the
     * scheduler's time).
     */
    long ageMillis(Job job, long watchStartMillis) {
        Instant created = job == null ? null : job.createdAt();
        long now = clock.millis();
        if (created == null) {
            return Math.max(0, nowMillis() - watchStartMillis);
        }
        long maxAge = PollPolicy.MAX_DURATION.toMillis();
        // Compared in seconds first: toEpochMilli() of an absurd createdAt would overflow.
        long createdSecond = created.getEpochSecond();
        if (createdSecond < now / 1000 - maxAge / 1000) {
            return maxAge;
        }
        if (createdSecond > now / 1000 + 1) {
            return 0;
        }
        return Math.max(0, Math.min(maxAge, now - created.toEpochMilli()));
    }

    /** The delay before the first poll of a job this engine just created. */
    long firstPollDelayMillis(Job created) {
        long delay = planner != null ? planner.gapMillis(ageMillis(created, nowMillis()))
                : policy.firstPollDelay().toMillis();
        return PollPolicy.plusSaturated(delay, spreadMillis());
    }

    long nowMillis() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    /** A uniform draw in [0, 1). */
    double random() {
        return random.nextDouble();
    }

    /** First polls are spread over the policy's spread so jobs started together do not poll in lockstep. */
    long spreadMillis() {
        long spread = policy.spread().toMillis();
        return spread == 0 ? 0 : (long) (random() * spread);
    }

    /** How long an open breaker stays open before it lets trial calls through. */
    long breakerWaitMillis() {
        return breaker.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1);
    }
}
