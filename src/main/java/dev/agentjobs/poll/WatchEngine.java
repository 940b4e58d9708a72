package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobsApi;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/** What every {@link JobLoop} of one {@link JobWatcher} shares, and the registry of running loops by job id. */
final class WatchEngine {

    final JobsApi api;
    final PollPolicy policy;
    final Scheduler scheduler;
    final Clock clock;
    final AgentJobsListener listener;
    final CircuitBreaker breaker;
    private final RandomGenerator random;
    private final ConcurrentHashMap<String, JobLoop> loops = new ConcurrentHashMap<>();
    private volatile RuntimeException closed;

    WatchEngine(JobsApi api, PollPolicy policy, Scheduler scheduler, Clock clock, AgentJobsListener listener,
                CircuitBreaker breaker, RandomGenerator random) {
        this.api = api;
        this.policy = policy;
        this.scheduler = scheduler;
        this.clock = clock;
        this.listener = listener;
        this.breaker = breaker;
        this.random = random;
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
        return error instanceof AgentJobsException e ? e.isTransient() : error instanceof TimeoutException;
    }

    void remove(JobLoop loop) {
        loops.remove(loop.jobId, loop);
    }

    int activeLoops() {
        return loops.size();
    }

    /** Ends every loop with {@code error}, and every later attach too. */
    void close(RuntimeException error) {
        closed = error;
        for (JobLoop loop : loops.values()) {
            loop.abort(error);
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
