package dev.agentjobs.gateway;

import dev.agentjobs.api.JobEvent;
import reactor.core.publisher.Mono;

/**
 * Where the gateway writes down the jobs it created or was asked about, so that a restarted gateway resumes
 * them. Called under the hub's lock: an implementation starts its write there, so that the writes of one job are
 * queued in the order the hub saw its events, and returns at once. The returned {@link Mono}s only tell when the
 * write is durable; they need no subscriber for it to happen.
 */
interface JobRecorder {

    /** Records nothing: the gateway is in-memory only. */
    JobRecorder NONE = event -> { };

    /** A job's latest state. */
    void seen(JobEvent event);

    /**
     * The first state of a job the gateway looked up by id (a {@code GET}, a stream, a watch resumed), called just
     * before that state is {@link #seen}: a job not recorded yet is recorded.
     */
    default Mono<Void> watched(String jobId) {
        return Mono.empty();
    }

    /**
     * The API accepted a follow-up message to the job, called with the first state after it and just before it is
     * {@link #seen}: the job is active again, whether or not it had ended, and whether or not it was recorded.
     */
    default Mono<Void> followedUp(String jobId) {
        return Mono.empty();
    }

    /** The hub forgot the job (ended, past its cap of jobs; or unknown upstream): whatever is kept of it can go. */
    default void forgotten(String jobId) {
    }
}
