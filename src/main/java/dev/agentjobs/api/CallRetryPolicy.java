package dev.agentjobs.api;

import dev.agentjobs.internal.Checks;
import java.time.Duration;

/**
 * How one API call is retried: exponential backoff with jitter, honouring the server's {@code Retry-After}.
 * Immutable; every setter returns a copy (like Reactor's {@code RetryBackoffSpec}).
 *
 * <p>Retry number {@code n} (1 for the first) waits {@code firstBackoff * multiplier^(n-1)}, capped at
 * {@code maxBackoff}, spread by {@code jitter}, and never longer than {@code maxBackoff}; or, when the
 * server sent one, its {@code Retry-After}, cut to {@code maxRetryAfter}. The same arithmetic, and the same
 * meaning of jitter and {@code maxRetryAfter}, as a watch's {@code PollPolicy}.
 *
 * <p>Which failures are retried depends on the call, not on this policy: a GET is retried on transport
 * errors, 5xx, 429 and garbled bodies; a create or a follow-up message only where the server provably did
 * not act on it (429, or a connection that failed before the request was written).
 *
 * <pre>{@code
 * CallRetryPolicy p = CallRetryPolicy.exponential(4, Duration.ofMillis(250))
 *         .maxBackoff(Duration.ofSeconds(10)).jitter(0.5).maxRetryAfter(Duration.ofMinutes(1));
 * }</pre>
 */
public final class CallRetryPolicy {

    private static final CallRetryPolicy NONE =
            new CallRetryPolicy(1, Duration.ZERO, Duration.ZERO, 2.0, 0.0, Duration.ZERO);
    private static final CallRetryPolicy DEFAULTS = new CallRetryPolicy(
            4, Duration.ofMillis(250), Duration.ofSeconds(10), 2.0, 0.5, Duration.ofSeconds(60));

    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final double multiplier;
    private final double jitter;
    private final Duration maxRetryAfter;

    private CallRetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, double multiplier,
                            double jitter, Duration maxRetryAfter) {
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.multiplier = multiplier;
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
    }

    /** One attempt, no retry. */
    public static CallRetryPolicy none() {
        return NONE;
    }

    /** 4 attempts in all, backoff 250 ms doubling to at most 10 s, jitter 0.5, Retry-After up to 60 s. */
    public static CallRetryPolicy defaults() {
        return DEFAULTS;
    }

    /** {@code maxAttempts} attempts in all (the first included), the first retry after {@code firstBackoff}. */
    public static CallRetryPolicy exponential(int maxAttempts, Duration firstBackoff) {
        return DEFAULTS.maxAttempts(maxAttempts).firstBackoff(firstBackoff);
    }

    public CallRetryPolicy maxAttempts(int value) {
        Checks.requireWithin("maxAttempts", value, 1, Integer.MAX_VALUE);
        return new CallRetryPolicy(value, firstBackoff, maxBackoff, multiplier, jitter, maxRetryAfter);
    }

    public CallRetryPolicy firstBackoff(Duration value) {
        Checks.requireNonNegative("firstBackoff", value);
        return new CallRetryPolicy(maxAttempts, value, maxBackoff, multiplier, jitter, maxRetryAfter);
    }

    public CallRetryPolicy maxBackoff(Duration value) {
        Checks.requireNonNegative("maxBackoff", value);
        return new CallRetryPolicy(maxAttempts, firstBackoff, value, multiplier, jitter, maxRetryAfter);
    }

    /** Growth factor of the backoff between attempts, at least 1. */
    public CallRetryPolicy multiplier(double value) {
        if (!(value >= 1.0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, was " + value);
        }
        return new CallRetryPolicy(maxAttempts, firstBackoff, maxBackoff, value, jitter, maxRetryAfter);
    }

    /** Fraction of each backoff drawn at random, in [0, 1): 0.5 means the delay is 50% to 150% of nominal. */
    public CallRetryPolicy jitter(double value) {
        Checks.requireJitter("jitter", value);
        return new CallRetryPolicy(maxAttempts, firstBackoff, maxBackoff, multiplier, value, maxRetryAfter);
    }

    /**
     * The longest wait a server's {@code Retry-After} imposes: one asking for longer is waited for this long,
     * then the call is tried again (within {@link #maxAttempts}); the last failure, a
     * {@link RateLimitedException} or a 503, keeps the server's value in {@link AgentJobsException#retryAfter()}.
     * 60 s by default; 0 retries at once.
     */
    public CallRetryPolicy maxRetryAfter(Duration value) {
        Checks.requireNonNegative("maxRetryAfter", value);
        return new CallRetryPolicy(maxAttempts, firstBackoff, maxBackoff, multiplier, jitter, value);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration firstBackoff() {
        return firstBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public double multiplier() {
        return multiplier;
    }

    public double jitter() {
        return jitter;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    @Override
    public String toString() {
        return "CallRetryPolicy{maxAttempts=" + maxAttempts + ", firstBackoff=" + firstBackoff + ", maxBackoff="
                + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter + ", maxRetryAfter="
                + maxRetryAfter + '}';
    }
}
