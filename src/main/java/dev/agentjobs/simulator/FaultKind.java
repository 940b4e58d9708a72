package dev.agentjobs.simulator;

/**
 * The faults the simulator can inject. For a create or a follow-up message, the "before" kinds fire before the
 * server acts (no job is created, no message is taken: a retry is safe), the "after commit" kinds after it (the
 * job exists or the message was taken, but the client cannot know: it must not blindly retry). For a GET the
 * difference does not matter.
 *
 * <p>The last kinds are <em>hostile</em>: a server on a bad day rather than a failing one. They fire only when
 * asked for by {@link Faults#ratio(FaultKind, double)}, never through {@link Faults#uniform(double)}, so a
 * test written for the ordinary faults does not start hanging on a stalled body.
 *
 * <pre>{@code
 * Faults.none().ratio(FaultKind.DRIP_BODY, 1.0).drip(1, Duration.ofSeconds(10)); // 201 at once, then 1 B per 10 s
 * Faults.none().ratio(FaultKind.STALL_AFTER_HEADERS, 0.1).stallFor(Duration.ofMinutes(2));
 * }</pre>
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
    /**
     * The connection is closed without any response, before the server acts. The whole request, body included,
     * has been read by then: the client wrote everything and still cannot know what happened.
     */
    CLOSE_CONNECTION(false),
    /** The server acts (creates the job, takes the message), then closes the connection without a response. */
    CLOSE_AFTER_COMMIT(true),
    /** The server acts, then answers 500: the job exists although the client saw an error. */
    ERROR_500_AFTER_COMMIT(true),
    /** The server acts at once but the answer leaves only after {@link Faults#slowDelay()} (real time). */
    SLOW_RESPONSE(true),
    /** The server acts, then answers its success status with a truncated, unparseable JSON body. */
    MALFORMED_JSON(true),
    /**
     * Hostile: the server acts, sends the status line and headers at once, then drips the body,
     * {@link Faults#dripBytes()} bytes every {@link Faults#dripInterval()} (real time) until it is complete or
     * the client closes the connection.
     */
    DRIP_BODY(true, true),
    /**
     * Hostile: the server acts, sends the status line and headers (with the full {@code Content-Length}), then
     * nothing: the connection stays open until the client closes it or {@link Faults#stallFor()} passes and the
     * server closes it.
     */
    STALL_AFTER_HEADERS(true, true);

    private final boolean afterCommit;
    private final boolean hostile;

    FaultKind(boolean afterCommit) {
        this(afterCommit, false);
    }

    FaultKind(boolean afterCommit, boolean hostile) {
        this.afterCommit = afterCommit;
        this.hostile = hostile;
    }

    /** Whether the kind fires only when asked for by name ({@link Faults#uniform(double)} leaves it out). */
    public boolean hostile() {
        return hostile;
    }

    /** Whether the fault fires after a create or message took effect. */
    public boolean afterCommit() {
        return afterCommit;
    }
}
