package dev.agentjobs.api;

import java.time.Duration;

/**
 * The server answered, but the body could not be used: not JSON, not the expected shape, or over the size cap.
 */
public class MalformedResponseException extends AgentJobsException {

    public MalformedResponseException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
