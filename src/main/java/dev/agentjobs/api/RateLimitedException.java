package dev.agentjobs.api;

import java.time.Duration;

/**
 * The project's rate limit is spent (HTTP 429). {@link #retryAfter()} holds the server's {@code Retry-After} when it sent one. The server did not act on the request, so even a create may be sent again.
 */
public class RateLimitedException extends AgentJobsException {

    public RateLimitedException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
