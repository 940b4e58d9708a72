package dev.agentjobs.poll;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToDoubleFunction;

/**
 * How long the jobs of one API endpoint and project take, learned from the jobs a {@link JobWatcher} watched to
 * their end; an adaptive {@link PollPolicy} ({@link PollPolicy#adaptive}) plans each poll from it.
 *
 * <p>What it learns from, honestly: a watch sees a job running at one poll and ended at the next, so each
 * ended job is an <em>interval</em> of ages (interval-censored), spread over that interval in proportion to
 * what the model already believes (one online step of Turnbull's self-consistency estimate); a watch that
 * stops before the end (cancelled, deadline) only says the job ran longer than its last poll
 * (right-censored), and goes to later ages as Kaplan-Meier does. Jobs resumed by id or followed up are not
 * learned from: a resumed watch only sees jobs that lasted at least until it began, and a follow-up's run is
 * not measured from the job's creation.
 *
 * <p>Bounded: a histogram of 304 log-spaced bins (1 s to 30 days, 5% apart) and a counter, whatever the
 * number of jobs; no job is remembered once it ended. Past {@value #MEMORY_JOBS} jobs, each new one discounts
 * the older ones, so a change of durations (a slower model) takes over the fit as it is seen; the jobs still
 * running count too (right-censored at their age, see {@link JobWatcher}), so jobs running longer than the fit
 * expects lower its hazard before they end. Until {@link #MIN_JOBS} ended the model is not ready and the
 * policy polls at a fixed interval.
 *
 * <pre>{@code
 * Path file = Path.of("durations.json");
 * DurationModel model = Files.exists(file) ? DurationModel.load(file) : DurationModel.learning();
 * JobWatcher watcher = JobWatcher.builder(client)
 *         .policy(PollPolicy.adaptive(Duration.ofSeconds(5)))
 *         .durationModel(model)
 *         .build();
 * // ... watch jobs ...
 * model.save(file);
 * }</pre>
 *
 * <p>Thread-safe: what ends a job takes a lock for a few microseconds; planning a poll only reads the latest
 * fit, published through a volatile field.
 */
public final class DurationModel {

    /** Ended jobs needed before the model plans polls. */
    public static final int MIN_JOBS = 30;
    /** Past this many jobs, older ones are discounted so the model keeps following the present. */
    static final double MEMORY_JOBS = 500;
    /** A trace of belief everywhere, so an interval no job was seen in yet still receives its job. */
    private static final double FLOOR = 1e-6;

    private final boolean learning;
    // Guarded by this.
    private final double[] ended;
    private final double[] censored;
    private double endedJobs;
    private double censoredJobs;
    private int sinceFit;
    private final double[] scratch = new double[DurationGrid.BINS];

    private volatile DurationFit fit;
    /** Watchers whose running jobs count as right-censored in each fit; weak, so a dropped watcher goes. */
    private final List<WeakReference<InFlight>> inFlight = new CopyOnWriteArrayList<>();

    /** Jobs being watched right now: each ran at least to its last poll's age. */
    interface InFlight {
        /** Adds one to {@code histogram}'s bin of each running job's last age seen running. */
        void addRunning(double[] histogram);
    }

    private DurationModel(boolean learning, double[] ended, double endedJobs, double[] censored, double censoredJobs,
                          DurationFit fit) {
        this.learning = learning;
        this.ended = ended;
        this.endedJobs = endedJobs;
        this.censored = censored;
        this.censoredJobs = censoredJobs;
        this.fit = fit;
    }

    /** An empty model that learns from every job a watcher sees end. */
    public static DurationModel learning() {
        return new DurationModel(true, new double[DurationGrid.BINS], 0, new double[DurationGrid.BINS], 0, null);
    }

    /**
     * A model that does not learn: the distribution is known, given as its CDF ({@code cdf.applyAsDouble(d)} is
     * the chance that a job has ended by age {@code d}, non-decreasing from 0 to 1).
     */
    public static DurationModel known(ToDoubleFunction<Duration> cdf) {
        Objects.requireNonNull(cdf, "cdf");
        double[] mass = new double[DurationGrid.BINS];
        double below = 0;
        for (int k = 0; k < mass.length; k++) {
            double upper = k == mass.length - 1 ? 1 : cdf.applyAsDouble(seconds(DurationGrid.upper(k)));
            if (!(upper >= below - 1e-12 && upper <= 1 + 1e-12)) {
                throw new IllegalArgumentException("cdf must be non-decreasing within [0, 1], was " + upper
                        + " at " + seconds(DurationGrid.upper(k)));
            }
            mass[k] = Math.max(0, upper - below);
            below = Math.max(below, upper);
        }
        return new DurationModel(false, mass, 0, new double[DurationGrid.BINS], 0, DurationFit.exact(mass, 0));
    }

    /** A copy that plans as this model does now and learns nothing more (to compare, or to pin a schedule). */
    public synchronized DurationModel frozenCopy() {
        return new DurationModel(false, ended.clone(), endedJobs, censored.clone(), censoredJobs, fit);
    }

    /** Reads a model {@link #save saved} before. */
    public static DurationModel load(Path file) {
        return DurationModelJson.read(file);
    }

    /** Parses a model written by {@link #toJson()}. */
    public static DurationModel fromJson(String json) {
        return DurationModelJson.parse(json);
    }

    /** Writes this model to {@code file} (a few KB of JSON), replacing it atomically. */
    public void save(Path file) {
        try {
            DurationModelJson.write(this, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the duration model to " + file, e);
        }
    }

    /** This model as a small JSON document. */
    public String toJson() {
        return DurationModelJson.format(this);
    }

    /**
     * Learns one job that was seen running at age {@code lastSeenRunning} and seen ended at {@code seenEnded}
     * (ages from its creation). A watcher calls this itself; call it to teach the model jobs watched elsewhere.
     */
    public void recordEnded(Duration lastSeenRunning, Duration seenEnded) {
        observeEnded(nonNegativeMillis("lastSeenRunning", lastSeenRunning), nonNegativeMillis("seenEnded", seenEnded));
    }

    /** Learns one job that was still running at age {@code lastSeenRunning} when its watch stopped. */
    public void recordStillRunning(Duration lastSeenRunning) {
        observeRunning(nonNegativeMillis("lastSeenRunning", lastSeenRunning));
    }

    /** Jobs learned as ended (discounted past {@value #MEMORY_JOBS}). */
    public synchronized double endedJobs() {
        return endedJobs;
    }

    /** Whether the model plans polls: a known distribution, or at least {@link #MIN_JOBS} jobs ended. */
    public boolean isReady() {
        return fit != null;
    }

    /** Whether jobs that end still teach it. */
    public boolean isLearning() {
        return learning;
    }

    /** The current fit, or null while not ready. */
    DurationFit fit() {
        return fit;
    }

    void observeEnded(long runningAgeMillis, long endedAgeMillis) {
        if (!learning) {
            return;
        }
        double lo = runningAgeMillis / 1000.0;
        // An end read at the same age it was seen running (clock steps) still ended after it: 1 ms later.
        double hi = Math.max(endedAgeMillis, runningAgeMillis + 1) / 1000.0;
        synchronized (this) {
            DurationFit current = fit;
            int from = DurationGrid.bin(lo);
            int to = DurationGrid.bin(hi);
            spread(current, lo, hi, from, to);
            for (int k = from; k <= to; k++) {
                ended[k] += scratch[k];
                scratch[k] = 0;
            }
            endedJobs++;
            learned();
        }
    }

    /** Counts {@code source}'s running jobs as right-censored in every later fit, while it is reachable. */
    void register(InFlight source) {
        inFlight.removeIf(ref -> ref.get() == null);
        inFlight.add(new WeakReference<>(source));
    }

    void unregister(InFlight source) {
        inFlight.removeIf(ref -> ref.get() == null || ref.get() == source);
    }

    void observeRunning(long runningAgeMillis) {
        if (!learning) {
            return;
        }
        synchronized (this) {
            censored[DurationGrid.bin(runningAgeMillis / 1000.0)]++;
            censoredJobs++;
            learned();
        }
    }

    /**
     * One ended job's unit of mass over the bins of (lo, hi], in proportion to what the model believes of each
     * (the fit, or before there is one the jobs so far) times the part of the bin inside the interval.
     */
    private void spread(DurationFit current, double lo, double hi, int from, int to) {
        double total = 0;
        for (int k = from; k <= to; k++) {
            double lower = Math.max(lo, DurationGrid.lower(k));
            double upper = k == DurationGrid.BINS - 1 ? Math.max(hi, lower) : Math.min(hi, DurationGrid.upper(k));
            double inside = k == DurationGrid.BINS - 1 && lo >= DurationGrid.upper(k) ? 1
                    : Math.max(0, upper - lower) / DurationGrid.width(k);
            double belief = current != null ? current.mass(k) : endedJobs > 0 ? ended[k] / endedJobs : 0;
            scratch[k] = inside * (belief + FLOOR);
            total += scratch[k];
        }
        if (total <= 0) {
            scratch[from] = total = 1;
        }
        for (int k = from; k <= to; k++) {
            scratch[k] /= total;
        }
    }

    /** After each observation: discount the past beyond the memory, refit when 5% more jobs were seen. */
    private void learned() {
        double total = endedJobs + censoredJobs;
        if (total > MEMORY_JOBS) {
            double keep = MEMORY_JOBS / total;
            for (int k = 0; k < ended.length; k++) {
                ended[k] *= keep;
                censored[k] *= keep;
            }
            endedJobs *= keep;
            censoredJobs *= keep;
        }
        sinceFit++;
        if (endedJobs < MIN_JOBS) {
            fit = null;
        } else if (fit == null || sinceFit >= Math.max(1, endedJobs / 20)) {
            fit = DurationFit.smoothed(ended, endedJobs, censoredWithRunning());
            sinceFit = 0;
        }
    }

    /**
     * The cut-short watches plus every job being watched now, each right-censored at its last age seen
     * running. Without the running ones a fit would only know the jobs that ended so far: after a burst of
     * submissions, the shortest ones.
     */
    private double[] censoredWithRunning() {
        double[] all = censored.clone();
        for (WeakReference<InFlight> ref : inFlight) {
            InFlight source = ref.get();
            if (source != null) {
                source.addRunning(all);
            }
        }
        return all;
    }

    // For DurationModelJson.
    synchronized Snapshot snapshot() {
        return new Snapshot(learning, ended.clone(), endedJobs, censored.clone(), censoredJobs);
    }

    static DurationModel restore(Snapshot s) {
        DurationModel model = new DurationModel(s.learning(), s.ended(), s.endedJobs(), s.censored(), s.censoredJobs(),
                null);
        if (s.endedJobs() >= MIN_JOBS) {
            model.fit = DurationFit.smoothed(s.ended(), s.endedJobs(), s.censored());
        } else if (!s.learning() && s.endedJobs() == 0) {
            // A known distribution: its masses are exact, not a sample to smooth.
            model.fit = DurationFit.exact(s.ended(), 0);
        }
        return model;
    }

    record Snapshot(boolean learning, double[] ended, double endedJobs, double[] censored, double censoredJobs) {
    }

    private static long nonNegativeMillis(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.compareTo(PollPolicy.MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be within [0, " + PollPolicy.MAX_DURATION.toDays()
                    + " days], was " + value);
        }
        return value.toMillis();
    }

    private static Duration seconds(double value) {
        return Duration.ofNanos(Math.round(value * 1e9));
    }

    @Override
    public String toString() {
        DurationFit f = fit;
        String shape = f == null ? "not ready" : String.format(java.util.Locale.ROOT, "median %.0fs, p90 %.0fs",
                f.quantile(0.5), f.quantile(0.9));
        return "DurationModel{" + (learning ? "learning" : "fixed") + ", " + String.format(java.util.Locale.ROOT,
                "%.0f", endedJobs()) + " jobs ended, " + shape + '}';
    }
}
