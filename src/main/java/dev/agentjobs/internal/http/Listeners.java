package dev.agentjobs.internal.http;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.internal.ThreadLocalContext;
import java.time.Duration;
import reactor.util.context.ContextView;

/**
 * Calls the user's {@link AgentJobsListener} so that a throwing callback cannot break a request: the
 * callbacks run inside Reactor operators on the event loop, where an exception would fail the call (or, in a
 * {@code doFinally}, be dropped with a log line). Observability must never change the outcome.
 *
 * <p>Each callback runs with the ThreadLocals of the call's subscriber restored from its Reactor {@code Context}
 * (when context-propagation is present): the listener runs on the event loop, where they would otherwise be those
 * of whatever ran there last, or none.
 */
// "try": the scopes are only opened and closed around each callback, never read.
@SuppressWarnings("try")
final class Listeners {

    private Listeners() {
    }

    static void requestStarted(AgentJobsListener l, ContextView context, ApiCall call, String jobId) {
        try (ThreadLocalContext.Scope scope = ThreadLocalContext.restore(context)) {
            l.requestStarted(call, jobId);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }

    static void responseReceived(AgentJobsListener l, ContextView context, ApiCall call, String jobId, int status,
                                 Duration elapsed) {
        try (ThreadLocalContext.Scope scope = ThreadLocalContext.restore(context)) {
            l.responseReceived(call, jobId, status, elapsed);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }

    static void requestFailed(AgentJobsListener l, ContextView context, ApiCall call, String jobId, Throwable error,
                              Duration elapsed) {
        try (ThreadLocalContext.Scope scope = ThreadLocalContext.restore(context)) {
            l.requestFailed(call, jobId, error, elapsed);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }

    static void retryScheduled(AgentJobsListener l, ContextView context, ApiCall call, String jobId, int attempt,
                               Duration delay, Throwable cause) {
        try (ThreadLocalContext.Scope scope = ThreadLocalContext.restore(context)) {
            l.retryScheduled(call, jobId, attempt, delay, cause);
        } catch (RuntimeException ignored) {
            // see class comment
        }
    }
}
