package dev.agentjobs.api;

import java.time.Duration;

/**
 * A watch passed its overall deadline (see {@code PollPolicy.deadline}) before the job reached a terminal status. The job may still be running on the server.
 */
public class DeadlineExceededException extends AgentJobsException {

    public DeadlineExceededException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

}
