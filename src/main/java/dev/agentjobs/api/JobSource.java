package dev.agentjobs.api;

/**
 * Where an agent job works: the GitHub repository URL and the branch, either of which may be absent.
 *
 * @param repository full URL of the GitHub repository, or {@code null} when the server did not say
 * @param ref        the branch the agent works on, or {@code null}
 */
public record JobSource(String repository, String ref) {
}
