package dev.agentjobs.api;

import java.time.Duration;

/**
 * No job with this id exists in this project (HTTP 404).
 */
public class JobNotFoundException extends AgentJobsException {

    public JobNotFoundException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
