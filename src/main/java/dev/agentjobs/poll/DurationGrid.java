package dev.agentjobs.poll;

/**
 * The ages a {@link DurationModel} tells apart: bin 0 is [0, 1 s), bin k &ge; 1 is [1.05^(k-1), 1.05^k) seconds,
 * up to 30 days; an age past the last edge falls in the last bin. Log-spaced because what matters about a
 * job's age is relative: 5% of a 30 s job is 1.5 s, of a 10 min job 30 s. 304 bins: a model is a few KB
 * whatever the number of jobs it learned from.
 */
final class DurationGrid {

    static final double RATIO = 1.05;
    static final double HORIZON_SECONDS = 30 * 86_400.0;
    private static final double LOG_RATIO = Math.log(RATIO);
    static final int BINS = 1 + (int) Math.ceil(Math.log(HORIZON_SECONDS) / LOG_RATIO);

    /** Bin edges in seconds: bin k is [EDGES[k], EDGES[k + 1]). */
    private static final double[] EDGES = new double[BINS + 1];

    static {
        EDGES[0] = 0;
        for (int k = 1; k <= BINS; k++) {
            EDGES[k] = Math.pow(RATIO, k - 1);
        }
    }

    private DurationGrid() {
    }

    /** The bin holding {@code seconds}; the last bin for an age past the horizon. */
    static int bin(double seconds) {
        if (!(seconds >= 1.0)) {
            return 0;
        }
        int k = 1 + (int) (Math.log(seconds) / LOG_RATIO);
        // The division can land one bin off at an edge; the edges decide.
        if (k < BINS && seconds >= EDGES[k + 1]) {
            k++;
        } else if (k > 1 && seconds < EDGES[k]) {
            k--;
        }
        return Math.min(k, BINS - 1);
    }

    static double lower(int bin) {
        return EDGES[bin];
    }

    static double upper(int bin) {
        return EDGES[bin + 1];
    }

    static double width(int bin) {
        return EDGES[bin + 1] - EDGES[bin];
    }

    /** The end of the last bin: ages from here on are all "older than the model knows". */
    static double horizon() {
        return EDGES[BINS];
    }
}
