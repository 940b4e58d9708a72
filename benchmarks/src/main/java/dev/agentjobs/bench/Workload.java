package dev.agentjobs.bench;

import java.time.Duration;
import java.util.Random;

/**
 * A job-duration distribution of the economy scenario: how long job {@code i} runs (drawn from a seeded
 * {@link Random}) and the true CDF in force for it, which the reference policy (the hazard schedule of the
 * true distribution) plans with.
 */
record Workload(String name, String description, Phase before, Phase after, int shiftAt) {

    /** One log-normal mixture: {@code weightA} of LN(medianA, sigmaA), the rest LN(medianB, sigmaB). */
    record Phase(double weightA, double medianA, double sigmaA, double medianB, double sigmaB) {

        static Phase logNormal(Duration median, double sigma) {
            double m = median.toMillis() / 1000.0;
            return new Phase(1.0, m, sigma, m, sigma);
        }

        double drawSeconds(Random random) {
            boolean a = weightA >= 1 || random.nextDouble() < weightA;
            double gaussian = random.nextGaussian();
            return a ? medianA * Math.exp(sigmaA * gaussian) : medianB * Math.exp(sigmaB * gaussian);
        }

        double cdf(double seconds) {
            if (seconds <= 0) {
                return 0;
            }
            double a = normalCdf(Math.log(seconds / medianA) / sigmaA);
            return weightA >= 1 ? a : weightA * a + (1 - weightA) * normalCdf(Math.log(seconds / medianB) / sigmaB);
        }
    }

    static final Workload LOG_NORMAL = new Workload("lognormal", "log-normal, median 3 min, sigma 0.6",
            Phase.logNormal(Duration.ofMinutes(3), 0.6), null, -1);
    static final Workload BIMODAL = new Workload("bimodal",
            "30% log-normal median 30 s sigma 0.3, 70% median 10 min sigma 0.3",
            new Phase(0.3, 30, 0.3, 600, 0.3), null, -1);
    static final Workload SHIFT = new Workload("shift",
            "log-normal median 3 min sigma 0.6, then median 6 min from job 2,000 on",
            Phase.logNormal(Duration.ofMinutes(3), 0.6), Phase.logNormal(Duration.ofMinutes(6), 0.6), 2_000);

    static Workload byName(String name) {
        for (Workload w : new Workload[] {LOG_NORMAL, BIMODAL, SHIFT}) {
            if (w.name.equals(name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload " + name + " (lognormal, bimodal, shift)");
    }

    Phase phase(int job) {
        return shiftAt >= 0 && job >= shiftAt ? after : before;
    }

    long drawMillis(int job, Random random) {
        return Math.round(1000 * phase(job).drawSeconds(random));
    }

    /** Abramowitz-Stegun 7.1.26 via erf: absolute error below 1.5e-7, plenty for a planning CDF. */
    static double normalCdf(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                + 0.254829592) * t * Math.exp(-x * x);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
