package dev.agentjobs.poll;

import dev.agentjobs.internal.Backoff;
import dev.agentjobs.internal.Checks;
import dev.agentjobs.internal.DurationText;
import java.time.Duration;
import java.util.Objects;

/**
 * When a watched job is polled. Immutable and copy-on-write: every setter returns a new policy (like
 * Reactor's {@code RetryBackoffSpec}), so a shared base policy can be specialised safely.
 *
 * <p>The schedule: a job just created is first polled after {@link #firstPollDelay}; a job being resumed
 * by id is polled at once. The n-th interval after that is {@code interval * multiplier^(n-1)}, capped at
 * {@link #maxInterval}, then spread by {@link #jitter}. Every first poll is also put off by a random part
 * of {@link #spread}, so jobs started together do not poll in lockstep. A failed poll (transport error,
 * timeout, 5xx, 429) puts the next one off by a backoff that doubles per consecutive failure up to
 * {@link #maxErrorBackoff}; a server's {@code Retry-After} (429, 503) wins over both, clamped to
 * {@link #maxRetryAfter}.
 *
 * <pre>{@code
 * PollPolicy policy = PollPolicy.exponential(Duration.ofSeconds(5), 1.5)
 *         .maxInterval(Duration.ofSeconds(30))
 *         .jitter(0.2)
 *         .deadline(Duration.ofMinutes(30));
 * }</pre>
 *
 * <p>The defaults follow the API docs (poll every 5 to 30 seconds; most jobs take 1 to 5 minutes):
 * first poll after 10 s, then every 5 s growing by 1.25 to 30 s, jitter 0.1, a deadline of 2 hours.
 *
 * <p>Adaptive polling ({@link #adaptive}, {@link #targetLag}) plans each interval from the job's age and the
 * durations of the jobs seen before, for a target mean detection lag.
 *
 * <p>Bounds, checked by each setter with a message naming the bad value: every duration is at most
 * {@link #MAX_DURATION} (ten years), and every duration other than zero at least 1 ms. The settings that
 * space polls ({@link #interval}, {@link #maxInterval}, {@link #maxErrorBackoff}) are at least
 * {@link #MIN_INTERVAL} (100 ms), as a courtesy to the API, and the engine keeps that floor whatever else
 * produced a delay (jitter, a {@code Retry-After: 0}, a half-open breaker): two successive polls of one
 * watch are never closer than 100 ms. {@link #maxPolls} is at most {@link Integer#MAX_VALUE}.
 */
public final class PollPolicy {

    /** The shortest time between two polls of one job: 100 ms. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    /** The longest duration any setting takes: ten years (3,650 days), so no sum with a clock can overflow. */
    public static final Duration MAX_DURATION = DurationText.MAX;

    private static final long MIN_INTERVAL_MILLIS = MIN_INTERVAL.toMillis();
    private static final long MAX_MILLIS = MAX_DURATION.toMillis();

    private static final PollPolicy DEFAULTS = new PollPolicy(Duration.ofSeconds(10), Duration.ofSeconds(5), 1.25,
            Duration.ofSeconds(30), 0.1, Duration.ZERO, Duration.ofHours(2), 0, Duration.ofMinutes(5),
            Duration.ofMinutes(2), Duration.ofMinutes(1), null);

    private final Duration firstPollDelay;
    private final Duration interval;
    private final double multiplier;
    private final Duration maxInterval;
    private final double jitter;
    private final Duration spread;
    private final Duration deadline;
    private final long maxPolls;
    private final Duration maxRetryAfter;
    private final Duration maxErrorBackoff;
    private final Duration followUpGrace;
    /** Null unless adaptive. */
    private final Duration targetLag;

    private PollPolicy(Duration firstPollDelay, Duration interval, double multiplier, Duration maxInterval,
                       double jitter, Duration spread, Duration deadline, long maxPolls, Duration maxRetryAfter,
                       Duration maxErrorBackoff, Duration followUpGrace, Duration targetLag) {
        this.firstPollDelay = firstPollDelay;
        this.interval = interval;
        this.multiplier = multiplier;
        this.maxInterval = maxInterval;
        this.jitter = jitter;
        this.spread = spread;
        this.deadline = deadline;
        this.maxPolls = maxPolls;
        this.maxRetryAfter = maxRetryAfter;
        this.maxErrorBackoff = maxErrorBackoff;
        this.followUpGrace = followUpGrace;
        this.targetLag = targetLag;
    }

    /** The default policy (see the class comment). */
    public static PollPolicy defaults() {
        return DEFAULTS;
    }

    /** Polls every {@code interval}, no growth, no jitter; the first poll of a new job after one interval. */
    public static PollPolicy fixed(Duration interval) {
        return DEFAULTS.interval(interval).firstPollDelay(interval).multiplier(1.0).maxInterval(interval).jitter(0);
    }

    /** Intervals starting at {@code interval}, growing by {@code multiplier}; other settings as the defaults. */
    public static PollPolicy exponential(Duration interval, double multiplier) {
        PollPolicy p = DEFAULTS.interval(interval).multiplier(multiplier);
        return p.maxInterval.compareTo(interval) < 0 ? p.maxInterval(interval) : p;
    }

    /**
     * Adaptive polling: each poll is planned from the job's age (now minus its {@code createdAt}, so a resumed
     * watch knows where the job is in its life) and the durations of the jobs the watcher saw end (its
     * {@link DurationModel}), polling often where jobs are likely to end and rarely where they are not, so
     * that a job's end is noticed {@code targetLag} after it on average, for as few requests as that allows.
     * Until the model has seen {@link DurationModel#MIN_JOBS} jobs end it polls every {@code 2 * targetLag}
     * (which meets the target knowing nothing). Other settings as the defaults; see {@link #targetLag}.
     *
     * <pre>{@code
     * JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.adaptive(Duration.ofSeconds(5))).build();
     * }</pre>
     */
    public static PollPolicy adaptive(Duration targetLag) {
        return DEFAULTS.targetLag(targetLag);
    }

    /**
     * The mean detection lag an adaptive schedule aims at (how long after a job ends the poll that sees it
     * comes, on average); {@code null} turns adaptive planning off. At least {@link #MIN_INTERVAL}.
     *
     * <p>When set, the planned interval after a successful poll replaces {@link #firstPollDelay},
     * {@link #interval} and {@link #multiplier}; {@link #maxInterval} caps it (a job older than any seen is
     * polled at least that often), and {@link #jitter}, {@link #spread}, the deadline, the poll cap, error
     * backoff and {@code Retry-After} apply as before. A job followed up with a message is polled on the
     * non-adaptive schedule: its new run does not start at its creation.
     */
    public PollPolicy targetLag(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, spread, deadline, maxPolls,
                maxRetryAfter, maxErrorBackoff, followUpGrace, value == null ? null : pollSpacing("targetLag", value));
    }

    /**
     * Delay before the first poll of a job this engine just created (a resumed job is polled at once); zero or
     * at least 1 ms.
     */
    public PollPolicy firstPollDelay(Duration value) {
        return new PollPolicy(zeroOrWithin("firstPollDelay", value), interval, multiplier, maxInterval, jitter, spread,
                deadline, maxPolls, maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /** The first interval between polls; at least {@link #MIN_INTERVAL}. */
    public PollPolicy interval(Duration value) {
        return new PollPolicy(firstPollDelay, pollSpacing("interval", value), multiplier, maxInterval, jitter, spread,
                deadline, maxPolls, maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /** Growth factor of the interval, from 1 (fixed) to 10. */
    public PollPolicy multiplier(double value) {
        if (!(value >= 1.0 && value <= 10.0)) {
            throw new IllegalArgumentException("multiplier must be within [1, 10], was " + value);
        }
        return new PollPolicy(firstPollDelay, interval, value, maxInterval, jitter, spread, deadline, maxPolls,
                maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /** The largest interval between polls; at least {@link #MIN_INTERVAL}. */
    public PollPolicy maxInterval(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, pollSpacing("maxInterval", value), jitter, spread,
                deadline, maxPolls, maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /** Fraction of each interval drawn at random, in [0, 1): 0.2 makes an interval 80% to 120% of nominal. */
    public PollPolicy jitter(double value) {
        Checks.requireJitter("jitter", value);
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, value, spread, deadline, maxPolls,
                maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /** Each first poll is put off by a uniformly drawn part of {@code value}; zero (the default) turns it off. */
    public PollPolicy spread(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, zeroOrWithin("spread", value),
                deadline, maxPolls, maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /**
     * The longest a watch may last before it fails with {@link dev.agentjobs.api.WatchLimitExceededException}
     * ({@code DEADLINE}); {@code null} for no deadline.
     */
    public PollPolicy deadline(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, spread,
                value == null ? null : within("deadline", value, DurationText.MIN), maxPolls, maxRetryAfter, maxErrorBackoff,
                followUpGrace, targetLag);
    }

    /**
     * The most polls (failed ones included) a watch may send before it fails with
     * {@link dev.agentjobs.api.WatchLimitExceededException} ({@code MAX_POLLS}); 0 (the default) for no cap.
     */
    public PollPolicy maxPolls(long value) {
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("maxPolls must be within [0, " + Integer.MAX_VALUE + "], was " + value);
        }
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, spread, deadline, value,
                maxRetryAfter, maxErrorBackoff, followUpGrace, targetLag);
    }

    /** The longest {@code Retry-After} honoured; a longer one is clamped to this. 5 minutes by default. */
    public PollPolicy maxRetryAfter(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, spread, deadline, maxPolls,
                zeroOrWithin("maxRetryAfter", value), maxErrorBackoff, followUpGrace, targetLag);
    }

    /** The largest delay after consecutive failed polls; at least {@link #MIN_INTERVAL}. 2 minutes by default. */
    public PollPolicy maxErrorBackoff(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, spread, deadline, maxPolls,
                maxRetryAfter, pollSpacing("maxErrorBackoff", value), followUpGrace, targetLag);
    }

    /**
     * After a follow-up message, how long a terminal status is taken for the old one (the server has not
     * picked the message up yet) unless {@code active} was seen first. 1 minute by default.
     */
    public PollPolicy followUpGrace(Duration value) {
        return new PollPolicy(firstPollDelay, interval, multiplier, maxInterval, jitter, spread, deadline, maxPolls,
                maxRetryAfter, maxErrorBackoff, zeroOrWithin("followUpGrace", value), targetLag);
    }

    public Duration firstPollDelay() {
        return firstPollDelay;
    }

    public Duration interval() {
        return interval;
    }

    public double multiplier() {
        return multiplier;
    }

    public Duration maxInterval() {
        return maxInterval;
    }

    public double jitter() {
        return jitter;
    }

    public Duration spread() {
        return spread;
    }

    /** The deadline, or {@code null} when there is none. */
    public Duration deadline() {
        return deadline;
    }

    public long maxPolls() {
        return maxPolls;
    }

    public Duration maxRetryAfter() {
        return maxRetryAfter;
    }

    public Duration maxErrorBackoff() {
        return maxErrorBackoff;
    }

    public Duration followUpGrace() {
        return followUpGrace;
    }

    /** The adaptive target mean lag, or {@code null} when the policy is not adaptive. */
    public Duration targetLag() {
        return targetLag;
    }

    /** Whether polls are planned from a duration model ({@link #targetLag} set). */
    public boolean isAdaptive() {
        return targetLag != null;
    }

    /**
     * The nominal (unjittered) interval in milliseconds after successful poll number {@code n} (1-based):
     * {@code interval * multiplier^(n-1)}, at most {@code maxInterval}.
     */
    long nominalIntervalMillis(long n) {
        return Backoff.exponential(interval.toMillis(), multiplier, Math.max(1, n),
                Math.max(maxInterval.toMillis(), interval.toMillis()));
    }

    /** The backoff in milliseconds after {@code failures} consecutive failed polls (1-based). */
    long errorBackoffMillis(int failures) {
        return Backoff.exponential(interval.toMillis(), 2, Math.max(1, failures), maxErrorBackoff.toMillis());
    }

    /** Applies jitter to a delay, given a uniform draw {@code u} in [0, 1). */
    long jittered(long millis, double u) {
        return Backoff.jittered(millis, jitter, u);
    }

    /**
     * A delay between two polls of one job, whatever computed it, brought within [{@link #MIN_INTERVAL},
     * {@link #MAX_DURATION}]: no jitter, server answer or breaker setting can make a tight loop or a timer
     * whose due time overflows.
     */
    static long pollGapMillis(long millis) {
        return Math.max(MIN_INTERVAL_MILLIS, Math.min(millis, MAX_MILLIS));
    }

    /** A server's {@code Retry-After}, clamped to {@link #maxRetryAfter}, then to the poll gap's bounds. */
    long retryAfterMillis(Duration retryAfter) {
        return pollGapMillis(Backoff.clampRetryAfter(retryAfter, maxRetryAfter).toMillis());
    }

    /** Adds two non-negative millisecond values, saturating instead of overflowing. */
    static long plusSaturated(long a, long b) {
        long sum = a + b;
        // Overflow happened iff both operands have the sign opposite to the result's.
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : sum;
    }

    private static Duration pollSpacing(String name, Duration value) {
        return within(name, value, MIN_INTERVAL);
    }

    private static Duration zeroOrWithin(String name, Duration value) {
        Objects.requireNonNull(value, name);
        return value.isZero() ? value : within(name, value, DurationText.MIN);
    }

    private static Duration within(String name, Duration value, Duration min) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + min.toMillis() + " ms, was " + value);
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION.toDays()
                    + " days (ten years), was " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        return "PollPolicy{firstPollDelay=" + firstPollDelay + ", interval=" + interval + ", multiplier=" + multiplier
                + ", maxInterval=" + maxInterval + ", jitter=" + jitter + ", spread=" + spread + ", deadline="
                + deadline + ", maxPolls=" + maxPolls + ", maxRetryAfter=" + maxRetryAfter + ", maxErrorBackoff="
                + maxErrorBackoff + ", followUpGrace=" + followUpGrace
                + (targetLag == null ? "" : ", targetLag=" + targetLag) + '}';
    }
}
