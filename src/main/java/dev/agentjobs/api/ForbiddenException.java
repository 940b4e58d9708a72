package dev.agentjobs.api;

import java.time.Duration;

/**
 * The API key lacks the scope for this call (GET needs {@code read}, POST needs {@code write}), or the caller is outside the key's IP allowlist (HTTP 403). Not retried.
 */
public class ForbiddenException extends AgentJobsException {

    public ForbiddenException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
