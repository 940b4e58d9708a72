package dev.agentjobs.api;

import java.time.Duration;
import java.util.Optional;

/**
 * Base of every error this library raises. Unchecked; each subclass names one thing a caller can act on.
 *
 * <p>Carries what a caller needs to decide (the job id, the HTTP status, the server's {@code error} text,
 * the server's {@code Retry-After}) and never the API key.
 *
 * <pre>{@code
 * client.get(id).onErrorResume(JobNotFoundException.class, e -> Mono.empty());
 * }</pre>
 */
public class AgentJobsException extends RuntimeException {

    private final String jobId;
    private final int httpStatus;
    private final String serverMessage;
    private final Duration retryAfter;

    /**
     * @param message       the human message (must not hold the API key)
     * @param jobId         the job concerned, or {@code null}
     * @param httpStatus    the HTTP status, or 0 when no response was received
     * @param serverMessage the server's {@code error} text, or {@code null}
     * @param retryAfter    the server's {@code Retry-After}, or {@code null}
     * @param cause         the underlying cause, or {@code null}
     */
    public AgentJobsException(String message, String jobId, int httpStatus, String serverMessage,
                              Duration retryAfter, Throwable cause) {
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

    /** The HTTP status of the response, or 0 when no response arrived. */
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
