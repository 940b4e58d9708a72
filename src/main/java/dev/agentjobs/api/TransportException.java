package dev.agentjobs.api;

/**
 * No usable response arrived: the connection could not be made, was reset, or the response did not arrive in
 * time. {@link #httpStatus()} is 0. Transient: a GET is retried, and so is a create or a message when the
 * connection provably failed before the request was written (otherwise it is an
 * {@link OutcomeUnknownException}).
 */
public final class TransportException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /** @param cause the network failure, or {@code null} */
    public TransportException(String message, String jobId, Throwable cause) {
        super(message, jobId, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
