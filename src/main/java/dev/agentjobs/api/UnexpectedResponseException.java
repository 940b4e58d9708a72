package dev.agentjobs.api;

/**
 * The server answered with a status the API does not document for this call (a 3xx, which is never
 * followed, or a 418, say). Not retried.
 */
public final class UnexpectedResponseException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    public UnexpectedResponseException(String message, String jobId, int httpStatus, String serverMessage) {
        super(message, jobId, httpStatus, serverMessage, null, null);
    }
}
