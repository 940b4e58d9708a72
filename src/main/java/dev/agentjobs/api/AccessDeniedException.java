package dev.agentjobs.api;

/**
 * The server refused the API key: missing, wrong or expired (HTTP 401), or lacking the scope for this call
 * or called from outside the key's IP allowlist (HTTP 403); {@link #httpStatus()} tells which. Not retried:
 * every later call with this key would fail the same way.
 *
 * <pre>{@code
 * client.create(prompt).doOnError(AccessDeniedException.class, e -> alert("check MINTLIFY_API_KEY"));
 * }</pre>
 */
public final class AccessDeniedException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /**
     * @param httpStatus 401 or 403
     * @throws IllegalArgumentException for any other status
     */
    public AccessDeniedException(String message, String jobId, int httpStatus, String serverMessage) {
        super(message, jobId, requireAccessStatus(httpStatus), serverMessage, null, null);
    }

    private static int requireAccessStatus(int status) {
        if (status != 401 && status != 403) {
            throw new IllegalArgumentException("an access error is a 401 or a 403, was " + status);
        }
        return status;
    }
}
