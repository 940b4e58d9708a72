package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The shift test through the real engine under virtual time: a steady fleet (a job every 5 s, about 36 running
 * at once) watched by one adaptive watcher whose model learns from cold.
 */
class ShiftDetectorTest {

    private static final long EVERY_MILLIS = 5_000;

    /** Jobs whose durations (seconds) {@code durations} draws, job by job; counts ends as the engine sees them. */
    private static final class Fleet implements JobsApi {
        final VirtualTimeScheduler time;
        final long[] created;
        final long[] ends;
        final boolean[] seenEnded;
        private final IntToDoubleFunction durations;
        private int next;

        Fleet(VirtualTimeScheduler time, int jobs, IntToDoubleFunction durations) {
            this.time = time;
            this.durations = durations;
            created = new long[jobs];
            ends = new long[jobs];
            seenEnded = new boolean[jobs];
        }

        @Override
        public Mono<Job> create(String prompt) {
            return Mono.fromSupplier(() -> {
                int job = next++;
                created[job] = time.now(TimeUnit.MILLISECONDS);
                ends[job] = created[job] + Math.round(durations.applyAsDouble(job) * 1000);
                return job(job, JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> get(String jobId) {
            return Mono.fromSupplier(() -> {
                int job = Integer.parseInt(jobId);
                return job(job, time.now(TimeUnit.MILLISECONDS) >= ends[job] ? JobStatus.COMPLETED : JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> sendMessage(String jobId, String prompt) {
            return Mono.error(new UnsupportedOperationException());
        }

        private Job job(int job, JobStatus status) {
            return new Job(Integer.toString(job), status, null, null, null, Instant.ofEpochMilli(created[job]), null);
        }

        int seenEndedFrom(int from) {
            int n = 0;
            for (int i = from; i < seenEnded.length; i++) {
                n += seenEnded[i] ? 1 : 0;
            }
            return n;
        }
    }

    /** What a run saw: per alarm, how many jobs from {@code shiftAt} on had been seen to end by then. */
    private record Run(DurationModel model, int endedAfterShiftAtAlarm, int endedAfterShiftWhenMedianMoved) {
    }

    private static Run run(int jobs, long seed, int shiftAt, IntToDoubleFunction durations, double newMedian) {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        Fleet fleet = new Fleet(time, jobs, durations);
        DurationModel model = DurationModel.learning();
        JobWatcher watcher = JobWatcher.builder(fleet).scheduler(time).random(new Random(seed))
                .policy(PollPolicy.adaptive(Duration.ofMillis(2_500))).durationModel(model).build();
        for (int i = 0; i < jobs; i++) {
            time.schedule(() -> watcher.submit("p").subscribe(e -> {
                if (e.kind() == JobEvent.Kind.TERMINAL) {
                    fleet.seenEnded[Integer.parseInt(e.jobId())] = true;
                }
            }), i * EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
        int[] atAlarm = {-1};
        int[] atMedian = {-1};
        time.schedulePeriodically(() -> {
            if (shiftAt < 0) {
                return;
            }
            if (atAlarm[0] < 0 && model.shiftsDetected() > 0) {
                atAlarm[0] = fleet.seenEndedFrom(shiftAt);
            }
            double median = model.quantile(0.5).map(d -> d.toMillis() / 1000.0).orElse(0.0);
            if (atAlarm[0] >= 0 && atMedian[0] < 0 && Math.abs(median - newMedian) <= 0.15 * newMedian) {
                atMedian[0] = fleet.seenEndedFrom(shiftAt);
            }
        }, 1, 1, TimeUnit.SECONDS);
        time.advanceTimeBy(Duration.ofMillis(jobs * EVERY_MILLIS).plusHours(2));
        assertThat(fleet.seenEndedFrom(0)).isEqualTo(jobs);
        watcher.dispose();
        time.dispose();
        return new Run(model, atAlarm[0], atMedian[0]);
    }

    private static IntToDoubleFunction logNormal(long seed, double median, double sigma) {
        Random random = new Random(seed);
        return job -> median * Math.exp(sigma * random.nextGaussian());
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13})
    void stationaryLogNormal_raisesNoAlarm(long seed) {
        DurationModel model = run(2_500, seed, -1, logNormal(seed, 180, 0.6), 0).model();
        assertThat(model.shiftsDetected()).isZero();
        assertThat(model.jobsJudged()).isGreaterThan(2_000);
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22})
    void stationaryBimodal_raisesNoAlarm(long seed) {
        Random random = new Random(seed);
        IntToDoubleFunction bimodal = job -> (random.nextDouble() < 0.3 ? 30 : 600) * Math.exp(0.3 * random.nextGaussian());
        DurationModel model = run(2_500, seed, -1, bimodal, 0).model();
        assertThat(model.shiftsDetected()).isZero();
        assertThat(model.jobsJudged()).isGreaterThan(2_000);
    }

    @ParameterizedTest
    @ValueSource(longs = {31, 32, 33})
    void durationsDoubling_areDetectedWithinFortySlowerJobs_andTheMedianFollowsWithinTwoHundred(long seed) {
        IntToDoubleFunction before = logNormal(seed, 180, 0.6);
        IntToDoubleFunction after = logNormal(seed + 100, 360, 0.6);
        Run r = run(1_200, seed, 600, job -> job < 600 ? before.applyAsDouble(job) : after.applyAsDouble(job), 360);

        assertThat(r.model().shiftsDetected()).isEqualTo(1);
        assertThat(r.endedAfterShiftAtAlarm()).isBetween(1, 40);
        assertThat(r.endedAfterShiftWhenMedianMoved()).isBetween(r.endedAfterShiftAtAlarm(), 200);
    }

    @Test
    void aJobStartedBeforeTheModelWasSure_isNotJudged_butKeepsItsPlaceInTheOrder() {
        ShiftDetector detector = new ShiftDetector();
        ShiftDetector.Ticket unsure = detector.start(null);
        assertThat(unsure.resolved).isTrue();
        assertThat(unsure.settledByRunningAt(Long.MAX_VALUE)).isFalse();
        assertThat(detector.scored()).isZero();
    }

    @Test
    void scoresEnterTheTestInStartOrder_notInTheOrderJobsEnd() {
        double[] mass = new double[DurationGrid.BINS];
        mass[DurationGrid.bin(100)] = 1;
        DurationFit fit = DurationFit.exact(mass, 1_000);
        ShiftDetector detector = new ShiftDetector();
        ShiftDetector.Ticket first = detector.start(fit);
        ShiftDetector.Ticket second = detector.start(fit);
        // The second job ends first: its score waits for the first's.
        detector.settle(second, 50, 60);
        assertThat(detector.scored()).isZero();
        detector.settle(first, 99, 101);
        assertThat(detector.scored()).isEqualTo(2);
    }

    @Test
    void aRunOfLateEnds_raisesTheAlarm_atTheJobWhereTheRunBegan() {
        double[] mass = new double[DurationGrid.BINS];
        for (int k = DurationGrid.bin(50); k <= DurationGrid.bin(200); k++) {
            mass[k] = 1;
        }
        DurationFit fit = DurationFit.exact(mass, 1_000);
        ShiftDetector detector = new ShiftDetector();
        for (int i = 0; i < 10; i++) {
            assertThat(detector.settle(detector.start(fit), 99, 101)).isEqualTo(-1);
        }
        long change = -1;
        int late = 0;
        while (change < 0) {
            change = detector.settle(detector.start(fit), 300, Double.POSITIVE_INFINITY);
            late++;
        }
        // Each late end scores about 1, (1 - 0.5) / sqrt(1/12) - 0.5 = 1.23 per job: over 10 after 9.
        assertThat(late).isEqualTo(9);
        assertThat(change).isEqualTo(10);
        assertThat(detector.alarms()).isEqualTo(1);
    }
}
