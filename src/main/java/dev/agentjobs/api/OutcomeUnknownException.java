package dev.agentjobs.api;

/**
 * A create or a follow-up message may have reached the server before its answer was lost, so the job may or
 * may not exist (or the message may or may not be queued). The API has no idempotency key and no way to list
 * jobs, so the library never retries it: the caller decides. {@link #getCause()} holds the failure; when that
 * was an answer (a 5xx, a garbled body), its status, server text and {@code Retry-After} are this error's too.
 *
 * <pre>{@code
 * client.create(prompt).onErrorResume(OutcomeUnknownException.class, e -> askBeforeRetrying(prompt, e));
 * }</pre>
 */
public final class OutcomeUnknownException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /** @param cause what went wrong, or {@code null} when the answer simply never came */
    public OutcomeUnknownException(String message, String jobId, Throwable cause) {
        super(message, jobId, cause instanceof AgentJobsException e ? e.httpStatus() : 0,
                cause instanceof AgentJobsException e ? e.serverMessage().orElse(null) : null,
                cause instanceof AgentJobsException e ? e.retryAfter().orElse(null) : null, cause);
    }
}
