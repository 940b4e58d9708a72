package dev.agentjobs.api;

import java.time.Duration;

/**
 * The server failed (HTTP 5xx). For a GET this is transient; a create or a message that got a 5xx may or may not have been acted on, so it is never retried and surfaces as {@link OutcomeUnknownException} unless the status proves otherwise.
 */
public class ServerErrorException extends AgentJobsException {

    public ServerErrorException(String message, String jobId, int httpStatus, String serverMessage, Duration retryAfter,
              Throwable cause) {
        super(message, jobId, httpStatus, serverMessage, retryAfter, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
