package dev.agentjobs.api;

/**
 * No job with this id exists in this project (HTTP 404). Not retried.
 *
 * <pre>{@code
 * client.get(id).onErrorResume(JobNotFoundException.class, e -> Mono.empty());
 * }</pre>
 */
public final class JobNotFoundException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    public JobNotFoundException(String message, String jobId, String serverMessage) {
        super(message, jobId, 404, serverMessage, null, null);
    }
}
