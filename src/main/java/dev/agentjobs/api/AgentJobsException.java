package dev.agentjobs.api;

import java.time.Duration;
import java.util.Optional;

/**
 * Base of every error this library raises about a call or a watch. Unchecked; each subclass names one thing
 * a caller can act on (the hierarchy is listed in the {@linkplain dev.agentjobs.api package documentation}).
 *
 * <p>Carries what a caller needs to decide: the job id, and for an error the server answered, the HTTP status,
 * the server's {@code error} text and its {@code Retry-After}. Never the API key.
 *
 * <pre>{@code
 * client.get(id).onErrorResume(JobNotFoundException.class, e -> Mono.empty());
 * }</pre>
 */
public abstract sealed class AgentJobsException extends RuntimeException
        permits TransportException, OutcomeUnknownException, JobNotFoundException, InvalidRequestException,
        AccessDeniedException, RateLimitedException, ServerErrorException, UnexpectedResponseException,
        MalformedResponseException, WatchLimitExceededException {

    private static final long serialVersionUID = 1L;

    private final String jobId;
    private final int httpStatus;
    private final String serverMessage;
    private final Duration retryAfter;

    /** An error without a response: no status, no server text, no {@code Retry-After}. */
    AgentJobsException(String message, String jobId, Throwable cause) {
        this(message, jobId, 0, null, null, cause);
    }

    /**
     * @param message       the human message (must not hold the API key)
     * @param jobId         the job concerned, or {@code null}
     * @param httpStatus    the HTTP status, or 0 when no response was received
     * @param serverMessage the server's {@code error} text, or {@code null}
     * @param retryAfter    the server's {@code Retry-After}, or {@code null}
     * @param cause         the underlying cause, or {@code null}
     */
    AgentJobsException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
                       Throwable cause) {
        super(message, cause);
        this.jobId = jobId;
        this.httpStatus = httpStatus;
        this.serverMessage = serverMessage;
        this.retryAfter = retryAfter;
    }

    /** The job this error concerns, when there is one (not for a create). */
    public Optional<String> jobId() {
        return Optional.ofNullable(jobId);
    }

    /** The HTTP status of the response, or 0 when no response arrived (or none was involved). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The {@code error} text of the server's body, when it sent one. */
    public Optional<String> serverMessage() {
        return Optional.ofNullable(serverMessage);
    }

    /** How long the server asked us to wait ({@code Retry-After}), when it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * Whether trying the same idempotent request again later may succeed (transport failures, 5xx, 429,
     * a garbled body). Authentication, permission and not-found errors are not transient.
     */
    public boolean isTransient() {
        return false;
    }
}
