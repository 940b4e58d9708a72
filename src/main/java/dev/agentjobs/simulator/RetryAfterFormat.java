package dev.agentjobs.simulator;

/** How the simulator writes {@code Retry-After}: both forms are legal HTTP, and clients must read both. */
public enum RetryAfterFormat {
    /** Whole seconds, rounded up, at least 1: {@code Retry-After: 120}. */
    DELTA_SECONDS,
    /** An IMF-fixdate computed from the simulator's clock: {@code Retry-After: Wed, 21 Oct 2026 07:28:00 GMT}. */
    HTTP_DATE
}
