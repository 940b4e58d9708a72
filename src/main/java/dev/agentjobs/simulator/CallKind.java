package dev.agentjobs.simulator;

/** The three API calls, to aim a {@link SimulatedResponse} or read a {@link RecordedRequest}. */
public enum CallKind {
    /** {@code POST /v2/agent/{projectId}/job}. */
    CREATE,
    /** {@code GET /v2/agent/{projectId}/job/{id}}. */
    GET,
    /** {@code POST /v2/agent/{projectId}/job/{id}/message}. */
    MESSAGE
}
