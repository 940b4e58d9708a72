package dev.agentjobs.api;

import java.time.Duration;

/**
 * The project's rate limit is spent (HTTP 429). {@link #retryAfter()} holds the server's {@code Retry-After}
 * when it sent one. The server did not act on the request, so even a create may be sent again; the client
 * does so itself within its {@link CallRetryPolicy}.
 */
public final class RateLimitedException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /** @param retryAfter the server's {@code Retry-After}, or {@code null} */
    public RateLimitedException(String message, String jobId, String serverMessage, Duration retryAfter) {
        super(message, jobId, 429, serverMessage, retryAfter, null);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
