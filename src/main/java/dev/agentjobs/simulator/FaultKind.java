package dev.agentjobs.simulator;

/**
 * The faults the simulator can inject. For a create or a follow-up message, the "before" kinds fire before the
 * server acts (no job is created, no message is taken: a retry is safe), the "after commit" kinds after it (the
 * job exists or the message was taken, but the client cannot know: it must not blindly retry). For a GET the
 * difference does not matter.
 */
public enum FaultKind {
    /** 500 with an error body, before the server acts. */
    ERROR_500(false),
    /** 502 with an error body, before the server acts (a gateway could not reach it). */
    ERROR_502(false),
    /** 503 with an error body and {@code Retry-After}, before the server acts. */
    ERROR_503(false),
    /** A burst of {@link Faults#burstLength()} consecutive 429s for the project, each with {@code Retry-After}. */
    BURST_429(false),
    /** The connection is closed without any response, before the server acts. */
    CLOSE_CONNECTION(false),
    /** The server acts (creates the job, takes the message), then closes the connection without a response. */
    CLOSE_AFTER_COMMIT(true),
    /** The server acts, then answers 500: the job exists although the client saw an error. */
    ERROR_500_AFTER_COMMIT(true),
    /** The server acts at once but the answer leaves only after {@link Faults#slowDelay()} (real time). */
    SLOW_RESPONSE(true),
    /** The server acts, then answers its success status with a truncated, unparseable JSON body. */
    MALFORMED_JSON(true);

    private final boolean afterCommit;

    FaultKind(boolean afterCommit) {
        this.afterCommit = afterCommit;
    }

    /** Whether the fault fires after a create or message took effect. */
    public boolean afterCommit() {
        return afterCommit;
    }
}
