package dev.agentjobs.api;

import java.time.Duration;

/**
 * Callbacks for observing the client and the watch engine: requests, retries, deferred polls.
 * Every method has a no-op default; {@link #NONE} ignores everything.
 *
 * <p>Callbacks run on the client's event loop: keep them short and never block in them. They never
 * receive the API key. Each runs with the ThreadLocals of the call's subscriber (the watch's, for a poll) restored
 * from its Reactor {@code Context} when {@code io.micrometer:context-propagation} is present, so an MDC entry or a
 * trace set around {@code submit} is there.
 *
 * <pre>{@code
 * AgentJobsListener countErrors = new AgentJobsListener() {
 *     public void requestFailed(ApiCall call, String jobId, Throwable error, Duration elapsed) {
 *         errors.increment();
 *     }
 * };
 * }</pre>
 */
public interface AgentJobsListener {

    /** A listener that does nothing. */
    AgentJobsListener NONE = new AgentJobsListener() {
    };

    /** A request is about to be sent; {@code jobId} is {@code null} for a create. */
    default void requestStarted(ApiCall call, String jobId) {
    }

    /** A response arrived with {@code httpStatus} (any status, success or not). */
    default void responseReceived(ApiCall call, String jobId, int httpStatus, Duration elapsed) {
    }

    /** A request ended without a usable response (transport failure, timeout, malformed body). */
    default void requestFailed(ApiCall call, String jobId, Throwable error, Duration elapsed) {
    }

    /** A call will be sent again after {@code delay}; {@code attempt} is the number of the next attempt. */
    default void retryScheduled(ApiCall call, String jobId, int attempt, Duration delay, Throwable cause) {
    }

    /** The watch engine put a job's next poll off by {@code delay} because of {@code cause}. */
    default void pollDeferred(String jobId, Duration delay, Throwable cause) {
    }
}
