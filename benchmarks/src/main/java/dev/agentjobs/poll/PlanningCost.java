package dev.agentjobs.poll;

import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What adaptive polling costs the CPU (issue 11: "cheap per poll, it runs 2,000 times a second at 10k jobs"):
 * a planning call ({@link AdaptivePlanner#gapMillis}, what every successful poll of an adaptive watch runs), the
 * bare schedule lookup under it, one model update (an ended job: spread over its interval, the 500-job discount,
 * the refit every 5% more jobs, amortised), one re-plan (the optimal schedule's calibration, paid by the first
 * plan after a refit that moved the fit, warm from the previous price or cold), the first-order schedule's
 * calibration it replaced, and the check of a refit that does not move the fit enough to re-plan. In the
 * package of the classes it measures, which are package-private; the benchmarks module runs on the class path,
 * so the split package is harmless.
 *
 * <pre>
 * java -cp target/classes:$(cat target/classpath.txt) org.openjdk.jmh.Main PlanningCost
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlanningCost {

    private static final int AGES = 1 << 12;

    private DurationModel model;
    private AdaptivePlanner planner;
    private AgeSchedule schedule;
    private DurationFit nearbyFit;
    private double price;
    private long[] ages;
    private long[] durations;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        Random random = new Random(42);
        model = DurationModel.learning();
        ages = new long[AGES];
        durations = new long[AGES];
        for (int i = 0; i < AGES; i++) {
            durations[i] = Math.round(180_000 * Math.exp(0.6 * random.nextGaussian()));
            ages[i] = (long) (random.nextDouble() * 900_000);
        }
        for (int i = 0; i < 2_000; i++) {
            learn(i);
        }
        planner = new AdaptivePlanner(PollPolicy.adaptive(Duration.ofSeconds(5)), model);
        schedule = planner.schedule();
        price = ((OptimalSchedule) schedule).price();
        // The next refit's fit: 25 more jobs, as the model refits at its 500-job memory.
        DurationModel more = DurationModel.fromJson(model.toJson());
        for (int i = 2_000; i < 2_025; i++) {
            long d = durations[i & (AGES - 1)];
            long running = d / 5_000 * 5_000;
            more.observeEnded(running, running + 5_000);
        }
        nearbyFit = more.fit();
    }

    private void learn(int i) {
        long d = durations[i & (AGES - 1)];
        long running = d / 5_000 * 5_000;
        model.observeEnded(running, running + 5_000);
    }

    /** One plan of an adaptive watch (the model does not change in between: the schedule is reused). */
    @Benchmark
    public long plan() {
        return planner.gapMillis(ages[next++ & (AGES - 1)]);
    }

    /** The schedule lookup alone. */
    @Benchmark
    public long scheduleLookup() {
        return schedule.gapMillis(ages[next++ & (AGES - 1)]);
    }

    /** One ended job learned, refits included (one per 25 jobs at the 500-job memory). */
    @Benchmark
    public void modelUpdate() {
        learn(next++);
    }

    /**
     * One re-plan for a new fit, as the first plan after a refit that moved the fit pays: the optimal schedule,
     * calibrated from the previous price (the planner's case).
     */
    @Benchmark
    public AgeSchedule scheduleRebuild() {
        return OptimalSchedule.calibrated(nearbyFit, 5, 0.1, 30, price);
    }

    /** The same without a previous price (a planner's first plan, or a model just loaded). */
    @Benchmark
    public AgeSchedule scheduleRebuildCold() {
        return OptimalSchedule.calibrated(nearbyFit, 5, 0.1, 30, 0);
    }

    /** The first-order schedule's calibration, which the optimum replaced, for comparison. */
    @Benchmark
    public AgeSchedule firstOrderRebuild() {
        return HazardSchedule.calibrated(nearbyFit, 5, 0.1, 30);
    }

    /** What a refit costs the first plan after it when the fit moved too little to re-plan. */
    @Benchmark
    public double replanCheck() {
        return schedule.fit().distance(nearbyFit);
    }
}
