package dev.agentjobs.internal;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.MalformedResponseException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;

/**
 * Where the transport and the watch engine report what a metrics registry counts. {@link #NONE} ignores all of it,
 * so a client built without a registry pays one empty interface call per report and loads no Micrometer class; the
 * Micrometer side is {@link MicrometerMetrics}, made only by {@link #micrometer}. No report carries the API key,
 * a job id or a prompt: tags are bounded sets (call kind, outcome, status, reason).
 */
public interface Metrics {

    /** Reports nothing. */
    Metrics NONE = new Metrics() {
    };

    /**
     * Metrics recorded into a Micrometer {@code MeterRegistry}. Typed {@code Object} so that callers compile and
     * link without Micrometer; only this method's body names it.
     */
    static Metrics micrometer(Object meterRegistry, String projectId) {
        return MicrometerMetrics.create(meterRegistry, projectId);
    }

    /** Gauges of the client's requests holding a slot and waiting for one. */
    default void bindLimiter(IntSupplier inFlight, IntSupplier queued) {
    }

    /** Binds the breakers of a watch engine through Resilience4j's own Micrometer binding. */
    default void bindBreakers(CircuitBreakerRegistry breakers) {
    }

    /** One attempt of a call ended after {@code nanos}, with {@code outcome} (see {@link #outcomeOf(Throwable)}). */
    default void requestEnded(ApiCall call, String outcome, long nanos) {
    }

    /** A watch's poll got an answer or a failure (a poll the breaker held back is not one). */
    default void pollSent() {
    }

    /** A watch's next poll was put off because of {@code cause}. */
    default void pollDeferred(Throwable cause) {
    }

    /** A poll loop started ({@code +1}) or ended ({@code -1}). */
    default void watchesChanged(int delta) {
    }

    /** A subscriber joined ({@code +1}) or left ({@code -1}) a poll loop. */
    default void subscribersChanged(int delta) {
    }

    /** A poll loop emitted {@code event}. */
    default void event(JobEvent event) {
    }

    /** The client closed: meters that read its state (the request gauges) go. */
    default void close() {
    }

    /** The {@code outcome} tag of a call attempt that ended with {@code status}. */
    static String outcomeOf(int status) {
        return status >= 100 && status <= 599 ? (status / 100) + "xx" : "unknown";
    }

    /**
     * The {@code outcome} tag of a failed attempt: {@code ambiguous} (a create or message the server may have),
     * {@code transport_error} (nothing usable came back: refused, reset, timed out), the status class of an error
     * status ({@code 4xx}, {@code 5xx}), {@code malformed} (a status came back but not a usable body), or
     * {@code error}.
     */
    static String outcomeOf(Throwable error) {
        if (error instanceof OutcomeUnknownException) {
            return "ambiguous";
        }
        if (error instanceof TransportException) {
            return "transport_error";
        }
        if (error instanceof MalformedResponseException) {
            return "malformed";
        }
        if (error instanceof AgentJobsException e && e.httpStatus() > 0) {
            return outcomeOf(e.httpStatus());
        }
        return "error";
    }

    /** The {@code reason} tag of a deferred poll. */
    static String reasonOf(Throwable cause) {
        if (cause instanceof CallNotPermittedException) {
            return "circuit_open";
        }
        if (cause instanceof RateLimitedException) {
            return "rate_limited";
        }
        if (cause instanceof ServerErrorException) {
            return "server_error";
        }
        if (cause instanceof TransportException || cause instanceof TimeoutException) {
            return "transport_error";
        }
        return "other";
    }
}
