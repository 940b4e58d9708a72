package dev.agentjobs.api;

import java.time.Duration;

/**
 * A watch used up its cap on polls (see {@code PollPolicy.maxPolls}) before the job reached a terminal status. The job may still be running on the server.
 */
public class PollLimitExceededException extends AgentJobsException {

    public PollLimitExceededException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
