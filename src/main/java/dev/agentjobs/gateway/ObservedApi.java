package dev.agentjobs.gateway;

import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobsApi;
import reactor.core.publisher.Mono;

/**
 * The client as the gateway's watcher sees it: the same calls, plus a word to the hub each time a poll is
 * answered, which is how a {@code retrying} notice learns that the outage is over.
 */
final class ObservedApi implements JobsApi {

    private final JobsApi delegate;
    private volatile JobHub hub;

    ObservedApi(JobsApi delegate) {
        this.delegate = delegate;
    }

    void hub(JobHub value) {
        this.hub = value;
    }

    @Override
    public Mono<Job> create(String prompt) {
        return delegate.create(prompt);
    }

    @Override
    public Mono<Job> get(String jobId, CallRetryPolicy retryPolicy) {
        return delegate.get(jobId, retryPolicy).doOnNext(job -> {
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
