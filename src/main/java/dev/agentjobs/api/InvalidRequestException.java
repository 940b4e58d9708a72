package dev.agentjobs.api;

/**
 * The server rejected the request as invalid (HTTP 400), for example an empty prompt. Not retried: the same
 * request would be refused again.
 */
public final class InvalidRequestException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message, String jobId, String serverMessage) {
        super(message, jobId, 400, serverMessage, null, null);
    }
}
