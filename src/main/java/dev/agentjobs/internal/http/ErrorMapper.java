package dev.agentjobs.internal.http;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.MalformedResponseException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
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

    /** Enough to recognise where a redirect points; a 10 KB one must not flood the error line. */
    static final int MAX_LOCATION_CHARS = 200;

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

    /** A non-2xx, non-3xx response. */
    AgentJobsException fromStatus(ApiCall call, String jobId, int status, String serverMessage,
                                  Duration retryAfter) {
        return fromStatus(call, jobId, status, serverMessage, retryAfter, null);
    }

    /**
     * A non-2xx response; for a 3xx, {@code location} is its {@code Location} header (or {@code null}), which the
     * message names, when present, so the user sees where the server pointed. It is never followed.
     */
    AgentJobsException fromStatus(ApiCall call, String jobId, int status, String serverMessage,
                                  Duration retryAfter, String location) {
        String server = apiKey.redactFrom(serverMessage);
        String redirect = status < 300 || status > 399 || location == null ? ""
                : ": redirect to '" + printableLocation(location) + "', not followed";
        String msg = label(call, jobId) + ": HTTP " + status + redirect + (server == null ? "" : ": " + server);
        AgentJobsException typed = switch (status) {
            case 400 -> new InvalidRequestException(msg, jobId, server);
            case 401, 403 -> new AccessDeniedException(msg, jobId, status, server);
            case 404 -> new JobNotFoundException(msg, jobId, server);
            case 429 -> new RateLimitedException(msg, jobId, server, retryAfter);
            default -> status >= 500 && status <= 599
                    ? new ServerErrorException(msg, jobId, status, server, retryAfter)
                    : new UnexpectedResponseException(msg, jobId, status, server);
        };
        return typed instanceof ServerErrorException ? ambiguousIfWrite(call, typed) : typed;
    }

    /** A 2xx response whose body is not a job, or any body over the size cap. */
    AgentJobsException malformed(ApiCall call, String jobId, int status, String why, Throwable cause) {
        String msg = label(call, jobId) + ": HTTP " + status + ": malformed response: " + why;
        AgentJobsException typed = new MalformedResponseException(apiKey.redactFrom(msg), jobId, status, cause);
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
        AgentJobsException typed = new TransportException(msg, jobId, failure);
        return mayHaveReachedServer ? ambiguousIfWrite(call, typed) : typed;
    }

    private AgentJobsException ambiguousIfWrite(ApiCall call, AgentJobsException typed) {
        if (call.isIdempotent()) {
            return typed;
        }
        String msg = typed.getMessage() + " (outcome unknown: the request may have reached the server;"
                + " not retried)";
        return new OutcomeUnknownException(msg, typed.jobId().orElse(null), typed);
    }

    /** {@code GET job 'abc'}, {@code POST job}, {@code POST message to job 'abc'}. */
    static String label(ApiCall call, String jobId) {
        return switch (call) {
            case CREATE -> "POST job";
            case GET -> "GET job '" + jobId + "'";
            case MESSAGE -> "POST message to job '" + jobId + "'";
        };
    }

    /**
     * A {@code Location} made safe for a log line or a terminal: the key redacted, user info (a password) dropped,
     * control and format characters (escape sequences, bidi overrides) shown as {@code ?}, and cut to
     * {@value #MAX_LOCATION_CHARS} characters.
     */
    String printableLocation(String location) {
        String s = apiKey.redactFrom(location.strip());
        int authority = s.indexOf("//");
        // "//" opens the authority only before any path: in "/a//b" it is part of the path.
        if (authority >= 0 && s.lastIndexOf('/', authority - 1) < 0) {
            int start = authority + 2;
            int end = start;
            while (end < s.length() && "/?#".indexOf(s.charAt(end)) < 0) {
                end++;
            }
            int at = s.lastIndexOf('@', end - 1);
            if (at >= start) {
                s = s.substring(0, start) + s.substring(at + 1);
            }
        }
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_LOCATION_CHARS + 3));
        for (int i = 0; i < s.length(); ) {
            if (out.length() >= MAX_LOCATION_CHARS) {
                return out.append("...").toString();
            }
            int cp = s.codePointAt(i);
            boolean unsafe = Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT;
            out.appendCodePoint(unsafe ? '?' : cp);
            i += Character.charCount(cp);
        }
        return out.toString();
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
