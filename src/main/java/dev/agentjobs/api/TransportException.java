package dev.agentjobs.api;

import java.time.Duration;

/**
 * No usable response arrived: the connection could not be made, was reset, or the response did not arrive in time. {@link #httpStatus()} is 0.
 */
public class TransportException extends AgentJobsException {

    public TransportException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
