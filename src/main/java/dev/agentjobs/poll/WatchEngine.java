package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobsApi;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
     * starts again with a GET.
     */
    Flux<JobEvent> attach(String jobId, long firstDelayMillis, Job seed, JobEvent seedEvent, boolean awaitActive) {
        return Flux.defer(() -> {
            while (true) {
                JobLoop loop = loops.computeIfAbsent(jobId, id -> new JobLoop(this, id));
                if (loop.tryAddSubscriber()) {
                    Flux<JobEvent> events =
                            loop.events(() -> loop.start(firstDelayMillis, seed, seedEvent, awaitActive));
                    // The seed event also goes into the loop (for later subscribers); drop its replay here.
                    return seedEvent == null ? events : events.filter(e -> e != seedEvent).startWith(seedEvent);
                }
                loops.remove(jobId, loop);
            }
        });
    }

    void remove(JobLoop loop) {
        loops.remove(loop.jobId, loop);
    }

    int activeLoops() {
        return loops.size();
    }

    void abortAll(Throwable error) {
        for (JobLoop loop : loops.values()) {
            loop.abort(error);
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
