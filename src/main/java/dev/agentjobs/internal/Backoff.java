package dev.agentjobs.internal;

import java.time.Duration;

/**
 * The library's one backoff arithmetic: the exponential growth of a delay, its jitter, and what a server's
 * {@code Retry-After} may impose. The single-call retry ({@code CallRetryPolicy}), the poll schedule
 * ({@code PollPolicy}) and the fan-out's pause after a refused create all compute through here, so a jitter
 * of 0.2 or a {@code maxRetryAfter} of 60 s means the same wherever it is set. Unit-free: callers pass
 * nanoseconds or milliseconds as suits them, the same unit for every argument.
 */
public final class Backoff {

    private Backoff() {
    }

    /**
     * The delay before step {@code n} (1 for the first): {@code first * multiplier^(n-1)}, at most {@code cap},
     * never negative. Saturates instead of overflowing, however large {@code n} is.
     */
    public static long exponential(long first, double multiplier, long n, long cap) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        double value = first * Math.pow(multiplier, n - 1);
        // NaN only for 0 * infinity: a zero first delay stays zero.
        return Double.isNaN(value) ? 0 : Math.max(0, (long) Math.min(value, (double) cap));
    }

    /**
     * {@code value} spread by {@code jitter} (a fraction in [0, 1), see {@link Checks#requireJitter}): uniform
     * within [{@code value * (1 - jitter)}, {@code value * (1 + jitter)}), given a uniform draw {@code u} in
     * [0, 1). A jitter of 0 returns {@code value} as it is.
     */
    public static long jittered(long value, double jitter, double u) {
        return jitter == 0 ? value : Math.max(0, Math.round(value * (1 - jitter + 2 * jitter * u)));
    }

    /**
     * What a server's {@code Retry-After} makes us wait: what it asked, cut to {@code max} when it asked for
     * more (a negative value counts as 0). This is what {@code maxRetryAfter} means everywhere in the library:
     * a cap on the wait, never a reason to fail; a server that keeps asking for more than the cap meets the
     * attempt limit or the watch's deadline as any other failure would.
     */
    public static Duration clampRetryAfter(Duration asked, Duration max) {
        if (asked.isNegative()) {
            return Duration.ZERO;
        }
        // Compared as Durations: a server's absurd Retry-After must not overflow a conversion to a long.
        return asked.compareTo(max) > 0 ? max : asked;
    }
}
