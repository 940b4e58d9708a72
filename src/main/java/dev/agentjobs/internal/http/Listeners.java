package dev.agentjobs.internal.http;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import java.time.Duration;

/**
 * Calls the user's {@link AgentJobsListener} so that a throwing callback cannot break a request: the
 * callbacks run inside Reactor operators on the event loop, where an exception would fail the call (or, in a
 * {@code doFinally}, be dropped with a log line). Observability must never change the outcome.
 */
final class Listeners {

    private Listeners() {
    }

    static void requestStarted(AgentJobsListener l, ApiCall call, String jobId) {
        try {
            l.requestStarted(call, jobId);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }

    static void responseReceived(AgentJobsListener l, ApiCall call, String jobId, int status, Duration elapsed) {
        try {
            l.responseReceived(call, jobId, status, elapsed);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }

    static void requestFailed(AgentJobsListener l, ApiCall call, String jobId, Throwable error, Duration elapsed) {
        try {
            l.requestFailed(call, jobId, error, elapsed);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }

    static void retryScheduled(AgentJobsListener l, ApiCall call, String jobId, int attempt, Duration delay,
                               Throwable cause) {
        try {
            l.retryScheduled(call, jobId, attempt, delay, cause);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }
}
