package dev.agentjobs.api;

/**
 * The server answered, but the body could not be used: not JSON, not the expected shape, or over the size
 * cap. Transient: a GET is retried.
 */
public final class MalformedResponseException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /** @param cause what the decoder reported, or {@code null} */
    public MalformedResponseException(String message, String jobId, int httpStatus, Throwable cause) {
        super(message, jobId, httpStatus, null, null, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
