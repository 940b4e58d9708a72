package dev.agentjobs.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.RateLimitedException;
import java.time.Duration;

/**
 * Messages that are not job transitions, so they carry no {@code id:} and are never replayed: a client's last
 * event id stays that of the transition before them. Their texts are fixed here, never taken from an exception.
 */
final class Notices {

    /** Sent last to a client dropped for reading too slowly. */
    static final Frame DROPPED = Frame.notice(Frame.DROPPED, "{\"reason\":\"this client read too slowly; reconnect"
            + " with Last-Event-ID to catch up\"}");

    private Notices() {
    }

    /** The API is down or rate-limiting: the job's polls are put off, the stream stays open. */
    static Frame retrying(String jobId, Duration delay, Throwable cause) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("jobId", jobId)
                .put("reason", cause instanceof RateLimitedException ? "rate limited by the API"
                        : cause != null ? "the API is unavailable" : "the API is being retried");
        if (delay != null) {
            n.put("retryInMs", delay.toMillis());
        }
        return Frame.notice(Frame.RETRYING, n.toString());
    }

    /** A poll was answered after {@link #retrying}. */
    static Frame resumed(String jobId) {
        return Frame.notice(Frame.RESUMED, JsonNodeFactory.instance.objectNode().put("jobId", jobId).toString());
    }

    /** The job's watch ended without a terminal event; the stream closes after this. */
    static Frame error(String jobId, Throwable error) {
        return Frame.notice(Frame.ERROR, JsonNodeFactory.instance.objectNode().put("jobId", jobId)
                .put("error", UpstreamErrors.describe(error)).toString());
    }
}
