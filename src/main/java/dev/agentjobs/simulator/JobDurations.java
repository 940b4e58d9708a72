package dev.agentjobs.simulator;

import dev.agentjobs.internal.DurationText;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a simulated job (or one follow-up turn) stays {@code active}. Each draw uses the simulator's
 * seeded random source, so a run is repeatable.
 *
 * <pre>{@code
 * JobDurations.fixed(Duration.ofSeconds(2));
 * JobDurations.uniform(Duration.ofSeconds(1), Duration.ofSeconds(5));
 * JobDurations.logNormal(Duration.ofMinutes(3), 0.6);   // median 3 min, most between ~1 and ~8 min
 * JobDurations.parse("lognormal:3m,0.6");                // the same, from a CLI flag
 * }</pre>
 */
public abstract class JobDurations {

    /** Log-normal draws are capped here so that a huge sigma cannot overflow the clock arithmetic. */
    static final long MAX_MILLIS = Duration.ofDays(365).toMillis();

    private final String description;

    private JobDurations(String description) {
        this.description = description;
    }

    /** Draws one duration in milliseconds, never negative. */
    public abstract long drawMillis(RandomGenerator random);

    /** Every job takes exactly {@code duration} (zero allowed: jobs end on creation). */
    public static JobDurations fixed(Duration duration) {
        long ms = nonNegative(duration, "fixed duration");
        return new JobDurations("fixed " + duration) {
            @Override
            public long drawMillis(RandomGenerator random) {
                return ms;
            }
        };
    }

    /** Uniform between {@code min} and {@code max}, both inclusive at millisecond resolution. */
    public static JobDurations uniform(Duration min, Duration max) {
        long lo = nonNegative(min, "uniform minimum");
        long hi = nonNegative(max, "uniform maximum");
        if (hi < lo) {
            throw new IllegalArgumentException("uniform maximum " + max + " is below minimum " + min);
        }
        return new JobDurations("uniform " + min + ".." + max) {
            @Override
            public long drawMillis(RandomGenerator random) {
                return lo == hi ? lo : random.nextLong(lo, hi + 1);
            }
        };
    }

    /** Log-normal with the given median and shape {@code sigma} (0 = always the median); the usual job-time shape. */
    public static JobDurations logNormal(Duration median, double sigma) {
        long m = nonNegative(median, "log-normal median");
        if (m == 0) {
            throw new IllegalArgumentException("log-normal median must be positive, was " + median);
        }
        if (!(sigma >= 0 && sigma <= 10)) {
            throw new IllegalArgumentException("log-normal sigma must be within [0, 10], was " + sigma);
        }
        double mu = Math.log(m);
        return new JobDurations("lognormal median " + median + " sigma " + sigma) {
            @Override
            public long drawMillis(RandomGenerator random) {
                double v = Math.exp(mu + sigma * random.nextGaussian());
                return (long) Math.min(v, MAX_MILLIS);
            }
        };
    }

    /**
     * Parses the CLI form: {@code 2s} (fixed), {@code 1s..5s} (uniform) or {@code lognormal:3m,0.6}
     * (median, sigma). Units: ms, s, m, h, d.
     *
     * @throws IllegalArgumentException naming the bad text and the accepted forms
     */
    public static JobDurations parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("job duration is empty; use 2s, 1s..5s or lognormal:3m,0.6");
        }
        String t = text.strip();
        if (t.toLowerCase(Locale.ROOT).startsWith("lognormal:")) {
            String[] parts = t.substring("lognormal:".length()).split(",", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("job duration '" + text
                        + "' must look like lognormal:MEDIAN,SIGMA, e.g. lognormal:3m,0.6");
            }
            double sigma;
            try {
                sigma = Double.parseDouble(parts[1].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("job duration '" + text + "' has a malformed sigma '"
                        + parts[1] + "'");
            }
            return logNormal(DurationText.parse(parts[0], "log-normal median"), sigma);
        }
        int range = t.indexOf("..");
        if (range >= 0) {
            return uniform(DurationText.parse(t.substring(0, range), "uniform minimum"),
                    DurationText.parse(t.substring(range + 2), "uniform maximum"));
        }
        return fixed(DurationText.parse(t, "job duration"));
    }

    private static long nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, was " + d);
        }
        return d.toMillis();
    }

    @Override
    public String toString() {
        return description;
    }
}
