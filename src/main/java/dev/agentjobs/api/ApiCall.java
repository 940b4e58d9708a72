package dev.agentjobs.api;

/** The three calls of the agent-jobs API, as named in listener callbacks and error messages. */
public enum ApiCall {
    /** {@code POST /v2/agent/{projectId}/job}: not idempotent. */
    CREATE("POST", false),
    /** {@code GET /v2/agent/{projectId}/job/{id}}: idempotent. */
    GET("GET", true),
    /** {@code POST /v2/agent/{projectId}/job/{id}/message}: not idempotent. */
    MESSAGE("POST", false);

    private final String method;
    private final boolean idempotent;

    ApiCall(String method, boolean idempotent) {
        this.method = method;
        this.idempotent = idempotent;
    }

    /** The HTTP method. */
    public String method() {
        return method;
    }

    /** Whether sending the call twice has the same effect as once (only GET). */
    public boolean isIdempotent() {
        return idempotent;
    }
}
