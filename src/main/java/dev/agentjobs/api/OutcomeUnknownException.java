package dev.agentjobs.api;

import java.time.Duration;

/**
 * A create or a follow-up message may have reached the server before its connection failed, so the job may or may not exist (or the message may or may not be queued). The API has no idempotency key and no way to list jobs, so the library never retries it: the caller decides. {@link #getCause()} holds the failure.
 */
public class OutcomeUnknownException extends AgentJobsException {

    public OutcomeUnknownException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
