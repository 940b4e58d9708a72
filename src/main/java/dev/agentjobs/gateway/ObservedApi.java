package dev.agentjobs.gateway;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobsApi;
import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * The client as the gateway's watcher sees it: the same calls (a poll is one attempt: the watch's schedule and
 * breaker decide what follows a failure), plus a word to the hub each time a poll is answered or put off, which
 * is how followers learn that the job is being retried and when that is over. The hub is set once, after the
 * watcher it needs was built and before any watch starts.
 */
final class ObservedApi implements JobsApi {

    private final AgentJobsClient delegate;
    private volatile JobHub hub;

    ObservedApi(AgentJobsClient delegate) {
        this.delegate = delegate;
    }

    void hub(JobHub value) {
        this.hub = value;
    }

    /** The watch engine put a job's poll off (its listener calls this). */
    void pollDeferred(String jobId, Duration delay, Throwable cause) {
        JobHub h = hub;
        if (h != null) {
            h.retrying(jobId, delay, cause);
        }
    }

    @Override
    public Mono<Job> create(String prompt) {
        return delegate.create(prompt);
    }

    @Override
    public Mono<Job> get(String jobId) {
        return delegate.get(jobId, CallRetryPolicy.none()).doOnNext(job -> {
            JobHub h = hub;
            if (h != null) {
                h.answered(jobId);
            }
        });
    }

    @Override
    public Mono<Job> sendMessage(String jobId, String prompt) {
        return delegate.sendMessage(jobId, prompt);
    }
}
