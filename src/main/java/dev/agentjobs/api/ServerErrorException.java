package dev.agentjobs.api;

import java.time.Duration;

/**
 * The server failed (HTTP 5xx). For a GET this is transient and retried; a create or a message that got a 5xx
 * may or may not have been acted on, so it is never retried and surfaces as {@link OutcomeUnknownException}
 * around this one.
 */
public final class ServerErrorException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param httpStatus a 5xx status
     * @param retryAfter the server's {@code Retry-After} (a 503 may send one), or {@code null}
     */
    public ServerErrorException(String message, String jobId, int httpStatus, String serverMessage,
                                Duration retryAfter) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, null);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
