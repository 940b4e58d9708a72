package dev.agentjobs.http;

import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/** SKELETON: replaced by the real Reactor Netty transport. */
public final class JobsTransport {

    private final TransportSettings settings;

    public JobsTransport(TransportSettings settings) {
        this.settings = settings;
    }

    public Mono<Job> create(String prompt, CallRetryPolicy retry) {
        return Mono.error(new IllegalStateException("skeleton"));
    }

    public Mono<Job> get(String jobId, CallRetryPolicy retry) {
        return Mono.error(new IllegalStateException("skeleton"));
    }

    public Mono<Job> sendMessage(String jobId, String prompt, CallRetryPolicy retry) {
        return Mono.error(new IllegalStateException("skeleton"));
    }

    public Scheduler scheduler() {
        return settings.scheduler();
    }

    public Mono<Void> closeLater() {
        return Mono.empty();
    }

    public boolean isClosed() {
        return false;
    }
}
