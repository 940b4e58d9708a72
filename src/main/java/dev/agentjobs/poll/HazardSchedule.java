package dev.agentjobs.poll;

import java.util.function.DoubleUnaryOperator;

/**
 * The poll interval for each age, planned from a duration distribution: {@code gap(age) = clamp(lambda /
 * sqrt(hazard(age)), min, max)}, with {@code lambda} chosen so the expected detection lag is the target.
 *
 * <p>Why that shape. Polling a stretch of ages around {@code t} every {@code d} seconds costs, per second of
 * age, {@code c S(t) / d} in requests ({@code c} the price of one request in seconds of lag, {@code S(t)} the
 * chance the job still runs, i.e. that the poll is sent at all) and {@code f(t) d / 2} in expected lag (a job
 * ending there, with density {@code f(t)}, waits half an interval on average). The sum is smallest at
 * {@code d = sqrt(2c S(t) / f(t)) = sqrt(2c / h(t))}, {@code h = f / S} the hazard: poll often where jobs are
 * likely to end given that they are still running, rarely where they are not. {@code lambda = sqrt(2c)}; nobody
 * can say what {@code c} is worth, so the schedule is calibrated instead: {@code lambda} is found by bisection
 * so that the expected lag of the resulting poll sequence (computed exactly from the piecewise-uniform
 * distribution, clamps included) is the target. An interval is also never longer than the gap of any age it
 * spans (so a gap planned where nothing ends does not jump past where everything does). The test checks the
 * result against a dynamic-programming optimum.
 *
 * <p>The tail: past the age that all but {@code 1 / (2n)} of the learned jobs had ended by (n the jobs
 * learned, at least 30), the model knows nothing, and a smoothed tail would claim a rising hazard; there the gap
 * is the cap, so a job older than any seen costs one poll per {@code max}.
 *
 * <p>Adaptive policies no longer plan with it: {@link OptimalSchedule}, the optimum this rule approximates, needs
 * fewer requests for the same lag. It stays as the reference that optimum is measured against (tests, and the
 * benchmarks' {@code sqrt-true} family through {@link DurationModel#firstOrderReference}).
 */
final class HazardSchedule implements AgeSchedule {

    private static final int MAX_STEPS = 200_000;

    private final DurationFit fit;
    private final double[] gapSeconds;
    private final long[] gapMillis;
    private final long maxMillis;
    private final double lambda;
    private final double expectedPolls;
    private final double expectedLagSeconds;

    private HazardSchedule(DurationFit fit, double lambda, double minSeconds, double maxSeconds) {
        this.fit = fit;
        this.lambda = lambda;
        this.gapSeconds = gaps(fit, lambda, minSeconds, maxSeconds);
        this.gapMillis = new long[gapSeconds.length];
        for (int k = 0; k < gapSeconds.length; k++) {
            gapMillis[k] = Math.round(gapSeconds[k] * 1000);
        }
        this.maxMillis = Math.round(maxSeconds * 1000);
        double[] cost = evaluate(fit, gapSeconds, maxSeconds);
        this.expectedPolls = cost[0];
        this.expectedLagSeconds = cost[1];
    }

    /** The schedule with this {@code lambda} ({@code sqrt(2c)}, c a request's price in seconds of lag). */
    static HazardSchedule withLambda(DurationFit fit, double lambda, double minSeconds, double maxSeconds) {
        return new HazardSchedule(fit, lambda, minSeconds, maxSeconds);
    }

    /**
     * The schedule whose expected mean lag is {@code targetLag} seconds for the jobs that end where the fit
     * knows (the rest are polled at the cap), or as close as the clamps allow.
     * The lag grows with {@code lambda} (every gap does), so a bisection on its logarithm finds it.
     */
    static HazardSchedule calibrated(DurationFit fit, double targetLag, double minSeconds, double maxSeconds) {
        // The mass past everything known is polled at the cap whatever lambda is: the target is for the rest.
        // Priced into the target instead, a model still learning how long its jobs run (a burst of submissions:
        // half its mass unknown) would crush every other interval to the floor to make up for it.
        double unknown = fit.unplaced();
        double targetLagSeconds = targetLag * (1 - unknown) + unknown * maxSeconds / 2;
        // The first-order estimate (mean lag = lambda / 2 E[h^-1/2]) brackets the answer within a few times.
        double guess = 2 * targetLagSeconds / Math.max(1e-9, meanInverseSqrtHazard(fit));
        double lo = guess / 16;
        double hi = guess * 16;
        HazardSchedule best = new HazardSchedule(fit, hi, minSeconds, maxSeconds);
        if (best.expectedLagSeconds <= targetLagSeconds) {
            return best;
        }
        for (int i = 0; i < 28; i++) {
            double mid = Math.sqrt(lo * hi);
            HazardSchedule s = new HazardSchedule(fit, mid, minSeconds, maxSeconds);
            if (s.expectedLagSeconds > targetLagSeconds) {
                hi = mid;
            } else {
                lo = mid;
                best = s;
            }
            if (hi / lo < 1.002) {
                break;
            }
        }
        return best.expectedLagSeconds <= targetLagSeconds ? best : new HazardSchedule(fit, lo, minSeconds, maxSeconds);
    }

    static double meanInverseSqrtHazard(DurationFit fit) {
        double sum = 0;
        for (int k = 0; k < DurationGrid.BINS; k++) {
            double h = fit.hazard(k);
            if (h > 0) {
                sum += fit.mass(k) / Math.sqrt(h);
            }
        }
        return sum;
    }

    private static double[] gaps(DurationFit fit, double lambda, double minSeconds, double maxSeconds) {
        double[] gaps = new double[DurationGrid.BINS];
        double tailSurvival = fit.endedJobs() > 0 ? 1 / (2 * Math.max(30, fit.endedJobs())) : 1e-4;
        double ended = 0;
        double[] local = new double[gaps.length];
        for (int k = 0; k < gaps.length; k++) {
            double h = fit.hazard(k);
            boolean known = 1 - ended > tailSurvival;
            local[k] = !known || h <= 0 ? maxSeconds : Math.min(maxSeconds, Math.max(minSeconds, lambda / Math.sqrt(h)));
            ended += fit.mass(k);
        }
        // Looking ahead: an interval must also suit every age it spans, or a gap planned where nothing ends
        // (age 0 of a 3-minute job) would jump past where everything does. So it stops at the first bin whose
        // own gap is shorter, or takes that gap if it reaches further.
        for (int k = 0; k < gaps.length; k++) {
            double t = DurationGrid.lower(k);
            double d = local[k];
            for (int j = k + 1; j < gaps.length && DurationGrid.lower(j) < t + d; j++) {
                if (local[j] < d) {
                    d = Math.max(Math.max(minSeconds, DurationGrid.lower(j) - t), local[j]);
                }
            }
            gaps[k] = d;
        }
        return gaps;
    }

    /**
     * Expected polls per job and expected lag in seconds of the poll sequence t(i+1) = t(i) + gap(t(i)) from
     * age 0: a poll at t(i+1) is sent iff the job still ran at t(i); a job ending in (t(i), t(i+1)] is seen at
     * t(i+1), which costs t(i+1) (F(t(i+1)) - F(t(i))) - (its partial mean over that stretch).
     */
    static double[] evaluate(DurationFit fit, double[] gapSeconds, double maxSeconds) {
        return evaluate(fit, t -> gapSeconds[DurationGrid.bin(t)], 0, maxSeconds, MAX_STEPS);
    }

    /**
     * The same from age {@code fromSeconds} on, every poll at the cap: the polls (weighted by the chance the job
     * still runs, unconditionally) and the lag of the jobs still running at that age.
     */
    static double[] pollAtCap(DurationFit fit, double fromSeconds, double maxSeconds, int maxSteps) {
        return evaluate(fit, t -> maxSeconds, fromSeconds, maxSeconds, maxSteps);
    }

    private static double[] evaluate(DurationFit fit, DoubleUnaryOperator gapAt, double fromSeconds,
                                     double maxSeconds, int maxSteps) {
        double t = fromSeconds;
        double cdf = fit.cdf(t);
        double partial = fit.partialMean(t);
        double polls = 0;
        double lag = 0;
        double horizon = DurationGrid.horizon();
        // Mass nobody knows where to place (jobs running longer than any that ended) is priced as the tail.
        double placed = 1 - fit.unplaced();
        for (int step = 0; step < maxSteps && t < horizon && placed - cdf > 1e-7; step++) {
            double next = t + gapAt.applyAsDouble(t);
            double nextCdf = fit.cdf(next);
            double nextPartial = fit.partialMean(next);
            polls += 1 - cdf;
            lag += next * (nextCdf - cdf) - (nextPartial - partial);
            t = next;
            cdf = nextCdf;
            partial = nextPartial;
        }
        // Whatever is left (past the horizon or the step cap) is polled at the cap: half of it in lag.
        lag += Math.max(0, 1 - cdf) * maxSeconds / 2;
        return new double[] {polls, lag};
    }

    @Override
    public long gapMillis(long ageMillis) {
        double seconds = ageMillis / 1000.0;
        return seconds >= DurationGrid.horizon() ? maxMillis : gapMillis[DurationGrid.bin(seconds)];
    }

    @Override
    public DurationFit fit() {
        return fit;
    }

    double lambda() {
        return lambda;
    }

    @Override
    public double expectedPolls() {
        return expectedPolls;
    }

    @Override
    public double expectedLagSeconds() {
        return expectedLagSeconds;
    }

    double gapSeconds(int bin) {
        return gapSeconds[bin];
    }
}
