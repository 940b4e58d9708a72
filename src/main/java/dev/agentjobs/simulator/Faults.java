package dev.agentjobs.simulator;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Which random faults to inject and how often: each {@link FaultKind} has its own probability per request,
 * and they add up to at most 1. Immutable; every setter returns a copy. Draws come from the simulator's seeded
 * random source, after any {@linkplain AgentJobsSimulator#enqueue(SimulatedResponse) scripted} response.
 *
 * <pre>{@code
 * Faults.none();
 * Faults.uniform(0.05);                                       // 5% of requests fail, spread over all kinds
 * Faults.none().ratio(FaultKind.ERROR_503, 0.02)
 *              .ratio(FaultKind.CLOSE_AFTER_COMMIT, 0.01)
 *              .slowDelay(Duration.ofSeconds(3)).burstLength(5);
 * Faults.none().ratio(FaultKind.DRIP_BODY, 1.0).drip(1, Duration.ofSeconds(10));  // hostile: opt-in only
 * }</pre>
 */
public final class Faults {

    private static final FaultKind[] KINDS = FaultKind.values();
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);
    private static final Faults NONE = new Faults(new double[KINDS.length], Duration.ofSeconds(2), 3,
            Duration.ofSeconds(1), 1, Duration.ofSeconds(1), Duration.ofMinutes(1));

    private final double[] ratios;
    private final Duration slowDelay;
    private final int burstLength;
    private final Duration retryAfter;
    private final int dripBytes;
    private final Duration dripInterval;
    private final Duration stallFor;

    private Faults(double[] ratios, Duration slowDelay, int burstLength, Duration retryAfter, int dripBytes,
                   Duration dripInterval, Duration stallFor) {
        this.ratios = ratios;
        this.slowDelay = slowDelay;
        this.burstLength = burstLength;
        this.retryAfter = retryAfter;
        this.dripBytes = dripBytes;
        this.dripInterval = dripInterval;
        this.stallFor = stallFor;
    }

    /** No faults. */
    public static Faults none() {
        return NONE;
    }

    /**
     * {@code totalRatio} of all requests fail, split evenly over every kind that is not
     * {@linkplain FaultKind#hostile() hostile}.
     */
    public static Faults uniform(double totalRatio) {
        checkRatio(totalRatio, "total fault ratio");
        long ordinary = Arrays.stream(KINDS).filter(k -> !k.hostile()).count();
        double[] r = new double[KINDS.length];
        for (FaultKind k : KINDS) {
            r[k.ordinal()] = k.hostile() ? 0 : totalRatio / ordinary;
        }
        return NONE.with(r, NONE.slowDelay, NONE.burstLength, NONE.retryAfter);
    }

    /** A copy where {@code kind} fires with probability {@code ratio} per request. */
    public Faults ratio(FaultKind kind, double ratio) {
        Objects.requireNonNull(kind, "kind");
        checkRatio(ratio, kind + " ratio");
        double[] r = ratios.clone();
        r[kind.ordinal()] = ratio;
        double total = Arrays.stream(r).sum();
        if (total > 1.0 + 1e-9) {
            throw new IllegalArgumentException("fault ratios add up to " + total + " with " + kind + "=" + ratio
                    + "; they must not exceed 1");
        }
        return with(r, slowDelay, burstLength, retryAfter);
    }

    /** How long a {@link FaultKind#SLOW_RESPONSE} holds the answer back (default 2 s, real time). */
    public Faults slowDelay(Duration delay) {
        return with(ratios, checkWait(delay, "slowDelay", true), burstLength, retryAfter);
    }

    /** How many consecutive 429s one {@link FaultKind#BURST_429} gives its project (default 3). */
    public Faults burstLength(int length) {
        if (length < 1 || length > 10_000) {
            throw new IllegalArgumentException("burstLength must be within [1, 10000], was " + length);
        }
        return with(ratios, slowDelay, length, retryAfter);
    }

    /** The {@code Retry-After} that 503 and burst 429 answers carry (default 1 s). */
    public Faults retryAfter(Duration value) {
        Objects.requireNonNull(value, "retryAfter");
        if (value.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative, was " + value);
        }
        return with(ratios, slowDelay, burstLength, value);
    }

    /**
     * How a {@link FaultKind#DRIP_BODY} sends its body: {@code bytes} at a time, one piece every
     * {@code interval} (real time); 1 byte every second by default.
     */
    public Faults drip(int bytes, Duration interval) {
        if (bytes < 1) {
            throw new IllegalArgumentException("drip bytes must be at least 1, was " + bytes);
        }
        Duration every = checkWait(interval, "drip interval", false);
        return new Faults(ratios, slowDelay, burstLength, retryAfter, bytes, every, stallFor);
    }

    /**
     * How long a {@link FaultKind#STALL_AFTER_HEADERS} keeps the connection silent before the server closes it,
     * should the client not close it first; 1 minute by default.
     */
    public Faults stallFor(Duration value) {
        Duration stall = checkWait(value, "stallFor", false);
        return new Faults(ratios, slowDelay, burstLength, retryAfter, dripBytes, dripInterval, stall);
    }

    public double ratio(FaultKind kind) {
        return ratios[kind.ordinal()];
    }

    public double totalRatio() {
        return Arrays.stream(ratios).sum();
    }

    public Duration slowDelay() {
        return slowDelay;
    }

    public int burstLength() {
        return burstLength;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public int dripBytes() {
        return dripBytes;
    }

    public Duration dripInterval() {
        return dripInterval;
    }

    public Duration stallFor() {
        return stallFor;
    }

    private Faults with(double[] r, Duration slow, int burst, Duration wait) {
        return new Faults(r, slow, burst, wait, dripBytes, dripInterval, stallFor);
    }

    /** A real-time wait the simulator will hold a connection for: at most 10 minutes, so every one ends. */
    static Duration checkWait(Duration value, String what, boolean zeroAllowed) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || (!zeroAllowed && value.isZero()) || value.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException(what + " must be within " + (zeroAllowed ? "[0" : "(0")
                    + ", 10m], was " + value);
        }
        return value;
    }

    /** The kind a uniform draw {@code u} in [0, 1) selects, or {@code null} for no fault. */
    FaultKind pick(double u) {
        double acc = 0;
        for (int i = 0; i < ratios.length; i++) {
            acc += ratios[i];
            if (u < acc) {
                return KINDS[i];
            }
        }
        return null;
    }

    private static void checkRatio(double ratio, String what) {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException(what + " must be within [0, 1], was " + ratio);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Faults[");
        for (FaultKind k : KINDS) {
            if (ratios[k.ordinal()] > 0) {
                sb.append(k).append('=').append(ratios[k.ordinal()]).append(' ');
            }
        }
        return sb.append("slowDelay=").append(slowDelay).append(" burstLength=").append(burstLength)
                .append(" retryAfter=").append(retryAfter).append(" drip=").append(dripBytes).append("B/")
                .append(dripInterval).append(" stallFor=").append(stallFor).append(']').toString();
    }
}
