package dev.agentjobs.api;

import java.time.Duration;

/**
 * The server answered with a status the API does not document for this call (for example a 3xx or 418).
 */
public class UnexpectedResponseException extends AgentJobsException {

    public UnexpectedResponseException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
