package dev.agentjobs.api;

import reactor.core.publisher.Mono;

/**
 * The three calls of the agent-jobs API as lazy {@code Mono}s. {@link AgentJobsClient} implements it over
 * HTTP; the watch engine is written against this interface, so an in-process fake (for a test, or for a
 * virtual-time model of a fleet of jobs) can stand in for the network.
 *
 * <pre>{@code
 * JobsApi api = client;                          // the real thing
 * Job job = api.get("job_1", CallRetryPolicy.none()).block();
 * }</pre>
 */
public interface JobsApi {

    /** Creates a job running {@code prompt}. Not idempotent. */
    Mono<Job> create(String prompt);

    /** Gets a job, retrying transient failures as {@code retryPolicy} says. */
    Mono<Job> get(String jobId, CallRetryPolicy retryPolicy);

    /** Sends a follow-up message to a job. Not idempotent. */
    Mono<Job> sendMessage(String jobId, String prompt);
}
