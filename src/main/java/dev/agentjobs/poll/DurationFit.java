package dev.agentjobs.poll;

/**
 * One immutable estimate of the job-duration distribution on the {@link DurationGrid}: a mass per bin,
 * spread uniformly inside the bin (a piecewise-constant density), with the CDF and the partial mean at the
 * bin edges precomputed so a schedule can price a poll at any age in constant time.
 */
final class DurationFit {

    private final double[] mass;
    /** CDF at each bin's lower edge (length BINS + 1, the last is 1). */
    private final double[] cdfAtEdge;
    /** The integral of x f(x) from 0 to each lower edge, in seconds. */
    private final double[] meanAtEdge;
    private final double endedJobs;

    private DurationFit(double[] mass, double endedJobs) {
        // mass may sum to less than 1: the rest is past the horizon (jobs still running older than any seen).
        this.mass = mass;
        this.endedJobs = endedJobs;
        int n = DurationGrid.BINS;
        cdfAtEdge = new double[n + 1];
        meanAtEdge = new double[n + 1];
        for (int k = 0; k < n; k++) {
            cdfAtEdge[k + 1] = cdfAtEdge[k] + mass[k];
            meanAtEdge[k + 1] = meanAtEdge[k] + mass[k] * (DurationGrid.lower(k) + DurationGrid.upper(k)) / 2;
        }
    }

    /** The distribution with exactly these (not necessarily normalised, non-negative) masses per bin. */
    static DurationFit exact(double[] weights, double endedJobs) {
        return new DurationFit(normalised(weights, 0), endedJobs);
    }

    /**
     * A kernel-smoothed estimate from learned counts: a Gaussian over bins whose width follows Silverman's
     * rule on the log-age (0.9 min(sd, IQR / 1.34) n^(-1/5), at least one bin), so a few dozen jobs give a
     * smooth hazard and a thousand keep a bimodal shape. Smoothing is what keeps the hazard of a small sample
     * from swinging between empty and full bins (a zero hazard would mean a poll only at the cap).
     */
    static DurationFit smoothed(double[] counts, double endedJobs, double[] censored) {
        double total = 0;
        double mean = 0;
        for (int k = 0; k < counts.length; k++) {
            total += counts[k];
            mean += k * counts[k];
        }
        if (total <= 0) {
            throw new IllegalArgumentException("no observations to fit");
        }
        mean /= total;
        double var = 0;
        for (int k = 0; k < counts.length; k++) {
            var += counts[k] * (k - mean) * (k - mean);
        }
        double sd = Math.sqrt(var / total);
        double iqr = quantileBin(counts, total, 0.75) - quantileBin(counts, total, 0.25);
        double spread = Math.min(sd, iqr / 1.34);
        if (spread <= 0) {
            spread = sd;
        }
        double n = Math.max(1, endedJobs);
        double bandwidth = Math.max(1.0, 0.9 * spread * Math.pow(n, -0.2));
        // Kaplan-Meier on the raw counts first, smoothing after: smoothed first, the kernel's tail past the
        // oldest ended job would take in every older running job, as if they were all about to end.
        double[] raw = counts.clone();
        double beyond = redistributeToTheRight(raw, censored);
        return new DurationFit(normalised(kernel(raw, bandwidth), beyond), endedJobs);
    }

    /**
     * Efron's redistribute-to-the-right, which is the Kaplan-Meier estimate: a job last seen running at an
     * age in bin k ended later, so its weight goes to every observation after bin k, ended or still running,
     * in proportion to what each holds; a running one passes what it received on with its own weight. Weight
     * with nowhere to go (no observation later) is returned: it lies past everything known. In a bin, ends
     * come before cut-offs (the KM convention for ties). The censored weights must reach the later censored
     * ones too: handed to ended jobs only, a burst of young running jobs would be spread over the few short
     * jobs that ended so far, and the estimate would say most jobs end by the oldest age yet seen.
     *
     * <p>Where the jobs running in a bin outnumber every observation after it, their weight is returned as past
     * the known instead. KM would hand it all to those few later ends (in a burst of submissions, an end read
     * one poll after the oldest running jobs were last seen running is "later" than the whole burst), and say
     * every job ends by then.
     */
    private static double redistributeToTheRight(double[] mass, double[] censored) {
        double after = 0;
        for (int k = 0; k < mass.length; k++) {
            after += mass[k] + censored[k];
        }
        // Every observation right of the current bin carries its own weight times this multiplier.
        double multiplier = 1;
        double beyond = 0;
        for (int k = 0; k < mass.length; k++) {
            after -= mass[k] + censored[k];
            mass[k] *= multiplier;
            double carried = censored[k] * multiplier;
            if (carried <= 0) {
                continue;
            }
            if (censored[k] >= after) {
                beyond += carried;
            } else {
                multiplier += carried / after;
            }
        }
        return beyond;
    }

    private static double[] kernel(double[] counts, double bandwidth) {
        int reach = (int) Math.ceil(4 * bandwidth);
        double[] weights = new double[2 * reach + 1];
        for (int d = -reach; d <= reach; d++) {
            weights[d + reach] = Math.exp(-0.5 * (d / bandwidth) * (d / bandwidth));
        }
        double[] out = new double[counts.length];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] == 0) {
                continue;
            }
            int from = Math.max(0, i - reach);
            int to = Math.min(counts.length - 1, i + reach);
            double sum = 0;
            for (int j = from; j <= to; j++) {
                sum += weights[j - i + reach];
            }
            // Renormalised per source bin: what would fall off the grid's ends stays on it.
            for (int j = from; j <= to; j++) {
                out[j] += counts[i] * weights[j - i + reach] / sum;
            }
        }
        return out;
    }

    private static double quantileBin(double[] counts, double total, double q) {
        double acc = 0;
        for (int k = 0; k < counts.length; k++) {
            acc += counts[k];
            if (acc >= q * total) {
                return k;
            }
        }
        return counts.length - 1;
    }

    private static double[] normalised(double[] weights, double beyond) {
        double total = beyond;
        for (double w : weights) {
            if (!(w >= 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weights must be finite and non-negative, was " + w);
            }
            total += w;
        }
        if (total <= 0) {
            throw new IllegalArgumentException("weights must not all be zero");
        }
        double[] out = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            out[k] = weights[k] / total;
        }
        return out;
    }

    /**
     * The largest difference between the two CDFs (Kolmogorov's distance, taken at the bin edges, where both
     * are exact; inside a bin both are linear), the mass past everything known included.
     */
    double distance(DurationFit other) {
        double d = 0;
        for (int k = 1; k < cdfAtEdge.length; k++) {
            d = Math.max(d, Math.abs(cdfAtEdge[k] - other.cdfAtEdge[k]));
        }
        return d;
    }

    /** How many ended jobs this estimate rests on (0 for a known distribution). */
    double endedJobs() {
        return endedJobs;
    }

    double mass(int bin) {
        return mass[bin];
    }

    /** P(duration &le; seconds). */
    double cdf(double seconds) {
        if (seconds >= DurationGrid.horizon()) {
            return 1;
        }
        int k = DurationGrid.bin(seconds);
        return cdfAtEdge[k] + mass[k] * (seconds - DurationGrid.lower(k)) / DurationGrid.width(k);
    }

    /** The age in seconds by which a fraction {@code q} of jobs ended; the horizon if that is never reached. */
    double quantile(double q) {
        for (int k = 0; k < DurationGrid.BINS; k++) {
            if (cdfAtEdge[k + 1] >= q && mass[k] > 0) {
                return DurationGrid.lower(k) + (q - cdfAtEdge[k]) / mass[k] * DurationGrid.width(k);
            }
        }
        return DurationGrid.horizon();
    }

    /** The integral of x f(x) from 0 to {@code seconds}: E[duration; duration &le; seconds]. */
    double partialMean(double seconds) {
        if (seconds >= DurationGrid.horizon()) {
            return meanAtEdge[DurationGrid.BINS];
        }
        int k = DurationGrid.bin(seconds);
        double lo = DurationGrid.lower(k);
        return meanAtEdge[k] + mass[k] / DurationGrid.width(k) * (seconds * seconds - lo * lo) / 2;
    }

    /**
     * The mass past everything known: right-censored jobs (running ones included) older than any that ended,
     * which redistribute-to-the-right cannot place. While it is above a trace, the model is still learning how
     * long its jobs can run (a burst of submissions at its start, or durations growing).
     */
    double unplaced() {
        return Math.max(0, 1 - cdfAtEdge[DurationGrid.BINS]);
    }

    /**
     * The hazard (per second) at the middle of a bin: the density there over the chance of still running.
     * 0 where no mass is left to end, which the schedule reads as "poll at the cap".
     */
    double hazard(int bin) {
        double survival = 1 - cdfAtEdge[bin] - mass[bin] / 2;
        if (mass[bin] <= 0 || survival <= 1e-12) {
            return 0;
        }
        return mass[bin] / DurationGrid.width(bin) / survival;
    }
}
