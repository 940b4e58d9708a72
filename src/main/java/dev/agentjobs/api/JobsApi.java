package dev.agentjobs.api;

import reactor.core.publisher.Mono;

/**
 * The three calls of the agent-jobs API as lazy {@code Mono}s: what the watch engine and the fan-out are
 * written against. {@link AgentJobsClient} implements it over HTTP; an in-process fake (for a test, or for a
 * virtual-time model of a fleet of jobs) can stand in for the network, such as the simulator's
 * {@link dev.agentjobs.simulator.ScriptedJobsApi}.
 *
 * <pre>{@code
 * JobWatcher watcher = JobWatcher.builder(api).scheduler(virtualTime).build();   // api: any JobsApi
 * }</pre>
 *
 * <p>A fake needs no retry logic: a watch polls through {@link #get} with its own schedule and circuit
 * breaker, and when built on a client it polls with a single attempt per poll. A decorator that wraps a client
 * (to log, say) should poll the same way, through {@code client.get(id, CallRetryPolicy.none())}: through
 * {@code client.get(id)} each poll would be retried by the client's policy inside the watch's breaker, which then
 * sees one failure per several attempts, and a poll can stretch by the retries' waits.
 */
public interface JobsApi {

    /** Creates a job running {@code prompt}. Not idempotent. */
    Mono<Job> create(String prompt);

    /** Gets a job's current state. */
    Mono<Job> get(String jobId);

    /** Sends a follow-up message to a job. Not idempotent. */
    Mono<Job> sendMessage(String jobId, String prompt);
}
