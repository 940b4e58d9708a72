package dev.agentjobs.api;

import java.time.Duration;

/**
 * The server rejected the request as invalid (HTTP 400), for example an empty prompt. Not retried.
 */
public class InvalidRequestException extends AgentJobsException {

    public InvalidRequestException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
