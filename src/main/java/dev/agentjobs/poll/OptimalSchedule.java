package dev.agentjobs.poll;

import java.util.Arrays;

/**
 * The poll schedule that is optimal for a duration distribution, by dynamic programming: for a price {@code c}
 * per request (in seconds of lag), the poll times that minimise {@code c E[requests] + E[lag]}, with every
 * interval within [min, max]; {@code c} is then calibrated so that the expected mean lag is the target.
 *
 * <p>Why not the {@code sqrt(2c / hazard)} rule of {@link HazardSchedule}: that rule prices each stretch of ages
 * on its own, as if the density were flat over an interval and nothing else constrained it. Neither holds here:
 * intervals of 15 to 30 s are a sizable part of a 3-minute job's spread, and the cap binds for the young ages,
 * so the optimum trades a poll here against a poll there. On the economy workload at 13 requests per job the
 * rule lags about 1% more than the optimum (7.46 s against 7.39 s on the true distribution, 7.56 s against
 * 7.46 s on average over ten learned models); see {@code OptimalScheduleTest} and ECONOMY.md.
 *
 * <p>The recursion, on a grid of ages {@code t_0 = 0 < t_1 < ...}, with {@code F} the CDF, {@code S = 1 - F}
 * and {@code M(t)} the partial mean (the integral of {@code x f(x)} up to {@code t}): a poll at {@code t_j}
 * after one at {@code t_i} is sent iff the job still ran at {@code t_i}, and a job ending in between is seen at
 * {@code t_j}, so
 * <pre>W(i) = min over t_j - t_i in [min, max] of  c S(t_i) + t_j (F(t_j) - F(t_i)) - (M(t_j) - M(t_i)) + W(j)</pre>
 * the unconditional form of Barlow, Hunter and Proschan's inspection problem (their first-order recursion is
 * its smooth, unclamped stationary point). Past the age by which all but {@code 1 / (2n)} of the learned jobs
 * ended (or past the last placed mass, while more than that runs longer than any job that ended), the model
 * knows nothing and polls at the cap, as {@link HazardSchedule} does; W there is the cost of doing so.
 *
 * <p>The grid: 100 ms steps up to 20 s, then steps of 0.5% of the age, at most {@code max / 60}: a gap is off
 * its best value by at most a step, and the cost of a schedule is flat around its optimum, so that costs little:
 * under 0.5% against the optimum on a 100 ms grid (the test; 0.33% at worst, where every gap wants to be exactly
 * the cap), and 0.002 s of the economy's lag at 13 requests against a grid five times finer. At most
 * {@value #MAX_POINTS} points; ages past the last one are polled at the cap. A solve is O(points x steps per cap),
 * a few hundred microseconds for the economy's jobs; the calibration takes about a dozen, and the grid's pricing
 * of the cap past the known ages one forward pass per point of the last cap's width. Planning a poll is a binary
 * search over the grid.
 */
final class OptimalSchedule implements AgeSchedule {

    private static final double RELATIVE_STEP = 0.005;
    static final int STEPS_PER_CAP = 60;
    static final int MAX_POINTS = 40_000;
    private static final int MAX_TAIL_POLLS = 200_000;
    /**
     * The prices a calibration searches, in seconds of lag per request: below the least, every interval is at the
     * floor wherever a job can end; above the most, at the cap (a day of lag per request).
     */
    private static final double MIN_PRICE = 1e-6;
    private static final double MAX_PRICE = 86_400;

    private final Grid grid;
    private final double price;
    private final long[] gapMillis;
    private final double expectedPolls;
    private final double expectedLagSeconds;

    /** The DP for one price, on a grid priced once per fit. */
    private OptimalSchedule(Grid g, double price) {
        this.grid = g;
        this.price = price;
        int n = g.seconds.length;
        int planned = g.planned;
        double[] polls = new double[n];
        double[] lag = new double[n];
        double[] cost = new double[n];
        for (int i = planned; i < n; i++) {
            polls[i] = g.tailPolls[i - planned];
            lag[i] = g.tailLag[i - planned];
            cost[i] = price * polls[i] + lag[i];
        }
        this.gapMillis = new long[planned];
        double[] t = g.seconds;
        double[] cdf = g.cdf;
        double[] partial = g.partial;
        for (int i = planned - 1; i >= 0; i--) {
            // v(j) = c S(t_i) + t_j (F_j - F_i) - (M_j - M_i) + W_j; the terms of i alone are added after.
            double fi = cdf[i];
            double best = Double.MAX_VALUE;
            int bestJ = i + 1;
            int from = g.firstReach[i];
            int to = g.lastReach[i];
            for (int j = from; j <= to; j++) {
                double v = t[j] * (cdf[j] - fi) - partial[j] + cost[j];
                // On a tie, the longer interval: the same cost, and a request later rather than now.
                if (v <= best) {
                    best = v;
                    bestJ = j;
                }
            }
            double stepLag = t[bestJ] * (cdf[bestJ] - fi) - (partial[bestJ] - partial[i]);
            cost[i] = best + partial[i] + price * (1 - fi);
            polls[i] = (1 - fi) + polls[bestJ];
            lag[i] = stepLag + lag[bestJ];
            gapMillis[i] = g.ageMillis[bestJ] - g.ageMillis[i];
        }
        // Point 0 is age 0, planned or (nothing known at all) priced at the cap.
        this.expectedPolls = polls[0];
        this.expectedLagSeconds = lag[0];
    }

    /** The optimal schedule for this price of a request, in seconds of lag. */
    static OptimalSchedule withPrice(DurationFit fit, double price, double minSeconds, double maxSeconds) {
        return new OptimalSchedule(new Grid(fit, Math.round(minSeconds * 1000), Math.round(maxSeconds * 1000)), price);
    }

    /**
     * The optimal schedule whose expected mean lag is {@code targetLag} seconds for the jobs that end where the
     * fit knows (the rest are polled at the cap), or as close below as the clamps and the grid allow: the
     * largest price (fewest requests) that meets it, by bisection on the price's logarithm (the optimal lag
     * does not fall as the price grows; it moves in steps, as a poll more or less shifts every later one).
     * {@code hint}, the price of a previous calibration or 0, narrows the first bracket.
     */
    static OptimalSchedule calibrated(DurationFit fit, double targetLag, double minSeconds, double maxSeconds,
                                      double hint) {
        Grid g = new Grid(fit, Math.round(minSeconds * 1000), Math.round(maxSeconds * 1000));
        // The mass past the known ages (jobs older than any seen end, and the last 1 / (2n) of the learned ones) is
        // polled at the cap whatever the price, half a cap late on average: the target is for the rest. Priced
        // into the target instead, a model still learning how long its jobs run (a burst of submissions: most of
        // its mass unknown) would crush every other interval to the floor to make up for it.
        double unknown = 1 - fit.cdf(g.capFromMillis() / 1000.0);
        double target = targetLag * (1 - unknown) + unknown * maxSeconds / 2;
        // First-order (the sqrt rule): lag ~ sqrt(c / 2) E[h^-1/2]; a previous price is closer still.
        double guess = hint > 0 && Double.isFinite(hint) ? hint
                : Math.pow(2 * target / Math.max(1e-9, HazardSchedule.meanInverseSqrtHazard(fit)), 2) / 2;
        double spread = hint > 0 ? 1.5 : 4;
        double lo = Math.max(MIN_PRICE, guess / spread);
        double hi = Math.min(MAX_PRICE, Math.max(lo, guess * spread));
        OptimalSchedule low = new OptimalSchedule(g, lo);
        while (low.expectedLagSeconds > target && lo > MIN_PRICE) {
            hi = lo;
            lo = Math.max(MIN_PRICE, lo / 4);
            low = new OptimalSchedule(g, lo);
        }
        if (low.expectedLagSeconds > target) {
            // Not even every interval at the floor meets it: the most the clamps allow.
            return low;
        }
        OptimalSchedule high = new OptimalSchedule(g, hi);
        while (high.expectedLagSeconds <= target && hi < MAX_PRICE) {
            lo = hi;
            low = high;
            hi = Math.min(MAX_PRICE, hi * 4);
            high = new OptimalSchedule(g, hi);
        }
        if (high.expectedLagSeconds <= target) {
            // Met with every interval as long as the prices allow (at the cap wherever it matters).
            return high;
        }
        // 1% on the price is well inside one step of the lag.
        while (hi / lo > 1.01) {
            double mid = Math.sqrt(lo * hi);
            OptimalSchedule s = new OptimalSchedule(g, mid);
            if (s.expectedLagSeconds > target) {
                hi = mid;
            } else {
                lo = mid;
                low = s;
            }
        }
        return low;
    }

    /**
     * The ages the DP plans at, what the fit says at each, and what polling at the cap from each unplanned one
     * costs: everything that does not depend on the price, so a calibration computes it once.
     */
    private static final class Grid {
        final DurationFit fit;
        final long maxMillis;
        final long[] ageMillis;
        final double[] seconds;
        final double[] cdf;
        final double[] partial;
        /** Points 0 .. planned - 1 are planned; from {@code ageMillis[planned]} on, the cap. */
        final int planned;
        final double[] tailPolls;
        final double[] tailLag;
        /** The points a planned one may poll next at: within [min, max] of it. */
        final int[] firstReach;
        final int[] lastReach;

        Grid(DurationFit fit, long minMillis, long maxMillis) {
            this.fit = fit;
            this.maxMillis = maxMillis;
            long tail = tailMillis(fit);
            this.ageMillis = ages(tail, minMillis, maxMillis);
            int n = ageMillis.length;
            seconds = new double[n];
            cdf = new double[n];
            partial = new double[n];
            for (int i = 0; i < n; i++) {
                seconds[i] = ageMillis[i] / 1000.0;
                cdf[i] = fit.cdf(seconds[i]);
                partial[i] = fit.partialMean(seconds[i]);
            }
            // Every planned point needs a later one to poll at; past the last planned point, the cap.
            int p = 0;
            while (p < n - 1 && ageMillis[p] < tail) {
                p++;
            }
            planned = p;
            tailPolls = new double[n - p];
            tailLag = new double[n - p];
            for (int i = p; i < n; i++) {
                double[] atCap = HazardSchedule.pollAtCap(fit, seconds[i], maxMillis / 1000.0, MAX_TAIL_POLLS);
                tailPolls[i - p] = atCap[0];
                tailLag[i - p] = atCap[1];
            }
            firstReach = new int[p];
            lastReach = new int[p];
            int first = 0;
            int last = 0;
            for (int i = 0; i < p; i++) {
                while (first < n - 1 && (first <= i || ageMillis[first] - ageMillis[i] < minMillis)) {
                    first++;
                }
                while (last < n - 1 && ageMillis[last + 1] - ageMillis[i] <= maxMillis) {
                    last++;
                }
                firstReach[i] = first;
                lastReach[i] = Math.max(first, last);
            }
        }

        long capFromMillis() {
            return ageMillis[planned];
        }
    }

    /**
     * The age from which the model knows nothing, as {@link HazardSchedule} has it: where the chance of still
     * running falls to {@code 1 / (2n)} ({@code n} the jobs learned, at least 30; 1e-4 for a known distribution),
     * or, while more than that is unplaced (jobs running longer than any that ended), where the placed mass ends.
     */
    private static long tailMillis(DurationFit fit) {
        double tailSurvival = fit.endedJobs() > 0 ? 1 / (2 * Math.max(30, fit.endedJobs())) : 1e-4;
        double q = fit.quantile(1 - Math.max(tailSurvival, fit.unplaced() + 1e-9));
        return Math.round(Math.min(q, DurationGrid.horizon()) * 1000);
    }

    private static long[] ages(long tailMillis, long minMillis, long maxMillis) {
        long coarse = Math.max(minMillis, maxMillis / STEPS_PER_CAP);
        long[] ages = new long[1024];
        int n = 0;
        long t = 0;
        // Planned points up to the tail, then one cap's worth more (priced as polled at the cap), so every
        // planned point can reach any gap up to the cap.
        while (n < MAX_POINTS && t < PollPolicy.plusSaturated(tailMillis, maxMillis)) {
            if (n == ages.length) {
                ages = Arrays.copyOf(ages, n * 2);
            }
            ages[n++] = t;
            t += Math.max(minMillis, Math.min(coarse, Math.round(t * RELATIVE_STEP)));
        }
        return Arrays.copyOf(ages, n);
    }

    @Override
    public long gapMillis(long age) {
        if (age >= grid.capFromMillis()) {
            return grid.maxMillis;
        }
        int i = Arrays.binarySearch(grid.ageMillis, 0, grid.planned, age);
        // Between two grid ages: the interval planned for the one below (a poll rarely lands on the grid: jitter).
        return gapMillis[i >= 0 ? i : Math.max(0, -i - 2)];
    }

    @Override
    public DurationFit fit() {
        return grid.fit;
    }

    /** The price of a request, in seconds of lag, this schedule is optimal for. */
    double price() {
        return price;
    }

    @Override
    public double expectedPolls() {
        return expectedPolls;
    }

    @Override
    public double expectedLagSeconds() {
        return expectedLagSeconds;
    }

    /** The age from which every interval is the cap (the model knows nothing past it). */
    long capFromMillis() {
        return grid.capFromMillis();
    }

    /** Grid points planned (for the benchmark and tests). */
    int plannedPoints() {
        return grid.planned;
    }
}
