package dev.agentjobs.api;

import java.time.Duration;

/**
 * The API key is missing, wrong or expired (HTTP 401). Not retried: every later call would fail the same way.
 */
public class UnauthorizedException extends AgentJobsException {

    public UnauthorizedException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
