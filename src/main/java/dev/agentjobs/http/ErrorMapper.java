package dev.agentjobs.http;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.ForbiddenException;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.MalformedResponseException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.api.UnauthorizedException;
import dev.agentjobs.api.UnexpectedResponseException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Turns statuses and failures into the api exception types, with one-line messages that name the call and
 * the job ({@code GET job 'abc': HTTP 404: job not found}). Every text that leaves here went through
 * {@link ApiKey#redactFrom}: a server echoing the Authorization header must not leak the key into a log.
 *
 * <p>For a create or a message, anything that may have reached the server (a 5xx, a garbled 2xx body, a reset
 * or a timeout after the request was written) becomes an {@link OutcomeUnknownException} around the typed
 * error, because the API has no idempotency key: only the caller can decide what to do next.
 */
final class ErrorMapper {

    private final ApiKey apiKey;
    private final Duration responseTimeout;
    private final Duration attemptTimeout;

    ErrorMapper(ApiKey apiKey, Duration responseTimeout, Duration attemptTimeout) {
        this.apiKey = apiKey;
        this.responseTimeout = responseTimeout;
        this.attemptTimeout = attemptTimeout;
    }

    /** An attempt outlived the bound on its whole duration; a failure without (the whole of) a response. */
    static final class AttemptTimeoutException extends TimeoutException {
        AttemptTimeoutException(Duration bound) {
            super("attempt not complete within " + bound);
        }
    }

    /** A non-2xx response. */
    AgentJobsException fromStatus(ApiCall call, String jobId, int status, String serverMessage,
                                  Duration retryAfter) {
        String server = apiKey.redactFrom(serverMessage);
        String msg = label(call, jobId) + ": HTTP " + status + (server == null ? "" : ": " + server);
        AgentJobsException typed = switch (status) {
            case 400 -> new InvalidRequestException(msg, jobId, status, server, null, null);
            case 401 -> new UnauthorizedException(msg, jobId, status, server, null, null);
            case 403 -> new ForbiddenException(msg, jobId, status, server, null, null);
            case 404 -> new JobNotFoundException(msg, jobId, status, server, null, null);
            case 429 -> new RateLimitedException(msg, jobId, status, server, retryAfter, null);
            default -> status >= 500 && status <= 599
                    ? new ServerErrorException(msg, jobId, status, server, retryAfter, null)
                    : new UnexpectedResponseException(msg, jobId, status, server, null, null);
        };
        return typed instanceof ServerErrorException ? ambiguousIfWrite(call, typed) : typed;
    }

    /** A 2xx response whose body is not a job, or any body over the size cap. */
    AgentJobsException malformed(ApiCall call, String jobId, int status, String why, Throwable cause) {
        String msg = label(call, jobId) + ": HTTP " + status + ": malformed response: " + why;
        AgentJobsException typed = new MalformedResponseException(apiKey.redactFrom(msg), jobId, status, null,
                null, cause);
        return status >= 200 && status <= 299 ? ambiguousIfWrite(call, typed) : typed;
    }

    /**
     * A failure without a response.
     *
     * @param mayHaveReachedServer whether the request could have been (partly) written before the failure
     */
    AgentJobsException fromFailure(ApiCall call, String jobId, Throwable failure, boolean mayHaveReachedServer) {
        if (failure instanceof AgentJobsException known) {
            return known;
        }
        String msg = apiKey.redactFrom(label(call, jobId) + ": " + describe(failure));
        AgentJobsException typed = new TransportException(msg, jobId, 0, null, null, failure);
        return mayHaveReachedServer ? ambiguousIfWrite(call, typed) : typed;
    }

    private AgentJobsException ambiguousIfWrite(ApiCall call, AgentJobsException typed) {
        if (call.isIdempotent()) {
            return typed;
        }
        String msg = typed.getMessage() + " (outcome unknown: the request may have reached the server;"
                + " not retried)";
        return new OutcomeUnknownException(msg, typed.jobId().orElse(null), typed.httpStatus(),
                typed.serverMessage().orElse(null), typed.retryAfter().orElse(null), typed);
    }

    /** {@code GET job 'abc'}, {@code POST job}, {@code POST message to job 'abc'}. */
    static String label(ApiCall call, String jobId) {
        return switch (call) {
            case CREATE -> "POST job";
            case GET -> "GET job '" + jobId + "'";
            case MESSAGE -> "POST message to job '" + jobId + "'";
        };
    }

    private String describe(Throwable failure) {
        if (failure instanceof ReadTimeoutException) {
            return "no response within " + responseTimeout;
        }
        if (failure instanceof AttemptTimeoutException) {
            return "no complete response within " + attemptTimeout + " (attemptTimeout)";
        }
        if (failure instanceof ConnectTimeoutException) {
            return "connect timed out: " + oneLine(failure.getMessage());
        }
        if (failure instanceof ConnectException) {
            return "cannot connect: " + oneLine(failure.getMessage());
        }
        String text = oneLine(failure.getMessage());
        return failure.getClass().getSimpleName() + (text.isEmpty() ? "" : ": " + text);
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").strip();
    }
}
