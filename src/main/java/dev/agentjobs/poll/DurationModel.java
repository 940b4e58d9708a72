package dev.agentjobs.poll;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>A sudden change (a slower model behind the API) is noticed by a {@link ShiftDetector}, which judges each
 * job by the fit the model planned it with when it started. When it goes off, the model keeps what it learned
 * only as a weak prior ({@value #PRIOR_AFTER_SHIFT} jobs' worth), learns no more from jobs started before the
 * change, and keeps planning (it does not fall back to the cold schedule) while the new durations fill in.
 * {@link #shiftsDetected()} counts the alarms.
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
    /** After a shift, what was learned before weighs as this many jobs: enough to keep a shape, no more. */
    static final double PRIOR_AFTER_SHIFT = 5;
    /** A trace of belief everywhere, so an interval no job was seen in yet still receives its job. */
    private static final double FLOOR = 1e-6;

    private final boolean learning;
    // Guarded by this.
    private final double[] ended;
    private final double[] censored;
    private double endedJobs;
    private double censoredJobs;
    private int sinceFit;
    /** Null unless learning. */
    private final ShiftDetector shifts;
    /** Jobs whose tickets come before this started before the latest shift: they teach nothing more. */
    private long learnFrom;
    /** Once a shift discarded most of the data, the model keeps planning from the rest instead of going cold. */
    private boolean keepPlanning;
    private final double[] scratch = new double[DurationGrid.BINS];

    private volatile DurationFit fit;
    /** Set only on a reference copy (see {@link #firstOrderReference}), before it is shared. */
    private volatile boolean firstOrderRule;
    /**
     * The schedules planned from this model, one slot per (target lag, clamps) of the adaptive policies that plan
     * with it: a watcher made per request finds the plan its predecessors made instead of re-planning on the event
     * loop. Bounded by the distinct adaptive policies used with the model, a handful in practice.
     */
    private final ConcurrentHashMap<Object, AtomicReference<?>> plans = new ConcurrentHashMap<>();
    /** Watchers whose running jobs count as right-censored in each fit; weak, so a dropped watcher goes. */
    private final List<WeakReference<InFlight>> inFlight = new CopyOnWriteArrayList<>();

    /** The slot of the plan made for {@code key}, shared by every planner that asks with an equal key. */
    @SuppressWarnings("unchecked")
    <T> AtomicReference<T> planSlot(Object key) {
        return (AtomicReference<T>) plans.computeIfAbsent(key, k -> new AtomicReference<>());
    }

    /** Jobs being watched right now: each ran at least to its last poll's age. */
    interface InFlight {
        /**
         * Adds one to {@code histogram}'s bin of each running job's last age seen running, for the jobs whose
         * shift-test ticket is at least {@code fromSeq} (the others started before the latest shift).
         */
        void addRunning(double[] histogram, long fromSeq);
    }

    private DurationModel(boolean learning, double[] ended, double endedJobs, double[] censored, double censoredJobs,
                          DurationFit fit) {
        this.learning = learning;
        this.ended = ended;
        this.endedJobs = endedJobs;
        this.censored = censored;
        this.censoredJobs = censoredJobs;
        this.fit = fit;
        this.shifts = learning ? new ShiftDetector() : null;
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

    /**
     * A frozen copy that plans with the first-order {@code sqrt(2c / hazard)} rule ({@link HazardSchedule})
     * instead of the optimum ({@link OptimalSchedule}): the reference the benchmarks measure the optimum
     * against. Not for use: it needs more requests for the same lag.
     */
    DurationModel firstOrderReference() {
        DurationModel copy = frozenCopy();
        copy.firstOrderRule = true;
        return copy;
    }

    /** Whether an adaptive policy plans with the first-order rule (only a {@link #firstOrderReference}). */
    boolean plansFirstOrder() {
        return firstOrderRule;
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

    /**
     * The age by which a fraction {@code q} (in (0, 1)) of jobs end, by the current fit; empty while the model is
     * not ready or when the fit places less than {@code q} of its mass (jobs still running older than any seen).
     */
    public Optional<Duration> quantile(double q) {
        if (!(q > 0 && q < 1)) {
            throw new IllegalArgumentException("q must be within (0, 1), was " + q);
        }
        DurationFit f = fit;
        if (f == null || f.quantile(q) >= DurationGrid.horizon()) {
            return Optional.empty();
        }
        return Optional.of(seconds(f.quantile(q)));
    }

    /** How many times a change of durations was detected (and the model forgot what it learned before). */
    public synchronized long shiftsDetected() {
        return shifts == null ? 0 : shifts.alarms();
    }

    /** Jobs whose score went into the shift test so far. */
    synchronized long jobsJudged() {
        return shifts == null ? 0 : shifts.scored();
    }

    /** Whether jobs that end still teach it. */
    public boolean isLearning() {
        return learning;
    }

    /** The current fit, or null while not ready. */
    DurationFit fit() {
        return fit;
    }

    /**
     * A job a watcher saw begin: its ticket for the shift test (null unless learning). The watcher passes it
     * back with the job's end, or to {@link #settleRunning} / {@link #abandon}.
     */
    synchronized ShiftDetector.Ticket startJob() {
        return shifts == null ? null : shifts.start(fit);
    }

    /** The job of {@code ticket} was seen running at an age that settles its score. */
    void settleRunning(ShiftDetector.Ticket ticket, long ageMillis) {
        if (!ticket.resolved) {
            synchronized (this) {
                afterTest(shifts.settle(ticket, ageMillis / 1000.0, Double.POSITIVE_INFINITY));
            }
        }
    }

    /** The job of {@code ticket} will not be scored (followed up, or otherwise no longer learned from). */
    void abandon(ShiftDetector.Ticket ticket) {
        if (!ticket.resolved) {
            synchronized (this) {
                afterTest(shifts.abandon(ticket));
            }
        }
    }

    void observeEnded(long runningAgeMillis, long endedAgeMillis) {
        observeEnded(runningAgeMillis, endedAgeMillis, null);
    }

    /** An ended job; {@code ticket} is its shift-test ticket, or null for a job learned from elsewhere. */
    void observeEnded(long runningAgeMillis, long endedAgeMillis, ShiftDetector.Ticket ticket) {
        if (!learning) {
            return;
        }
        double lo = runningAgeMillis / 1000.0;
        // An end read at the same age it was seen running (clock steps) still ended after it: 1 ms later.
        double hi = Math.max(endedAgeMillis, runningAgeMillis + 1) / 1000.0;
        synchronized (this) {
            if (ticket != null) {
                afterTest(shifts.settle(ticket, lo, hi));
                if (ticket.seq < learnFrom) {
                    return;
                }
            }
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

    /**
     * After a ticket settled: if the test went off, the jobs from {@code changeSeq} on show new durations.
     * The old data stays as a prior of {@value #PRIOR_AFTER_SHIFT} jobs (a false alarm costs a few dozen jobs
     * of coarser polls, not a cold start); jobs started before the change teach nothing more, running or ended.
     */
    private void afterTest(long changeSeq) {
        if (changeSeq < 0) {
            return;
        }
        learnFrom = Math.max(learnFrom, changeSeq);
        double total = endedJobs + censoredJobs;
        if (total > PRIOR_AFTER_SHIFT) {
            double keep = PRIOR_AFTER_SHIFT / total;
            for (int k = 0; k < ended.length; k++) {
                ended[k] *= keep;
                censored[k] *= keep;
            }
            endedJobs *= keep;
            censoredJobs *= keep;
        }
        keepPlanning = true;
        refit();
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
        observeRunning(runningAgeMillis, null);
    }

    /** A job whose watch stopped before its end; {@code ticket} as for {@link #observeEnded}. */
    void observeRunning(long runningAgeMillis, ShiftDetector.Ticket ticket) {
        if (!learning) {
            return;
        }
        synchronized (this) {
            if (ticket != null) {
                afterTest(shifts.settle(ticket, runningAgeMillis / 1000.0, Double.POSITIVE_INFINITY));
                if (ticket.seq < learnFrom) {
                    return;
                }
            }
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
        if (endedJobs < MIN_JOBS && !keepPlanning) {
            fit = null;
        } else if (fit == null || sinceFit >= Math.max(1, endedJobs / 20)) {
            refit();
        }
    }

    private void refit() {
        fit = endedJobs > 0 ? DurationFit.smoothed(ended, endedJobs, censoredWithRunning()) : null;
        sinceFit = 0;
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
                source.addRunning(all, learnFrom);
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
        long shifted = shiftsDetected();
        return "DurationModel{" + (learning ? "learning" : "fixed") + ", " + String.format(java.util.Locale.ROOT,
                "%.0f", endedJobs()) + " jobs ended, " + shape + (shifted > 0 ? ", " + shifted + " shifts" : "")
                + '}';
    }
}
