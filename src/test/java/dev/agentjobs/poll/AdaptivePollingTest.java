package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The engine with an adaptive policy, under virtual time. */
class AdaptivePollingTest {

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();

    /** Jobs created at a given virtual time that end at another; records GET times. */
    private final class Jobs implements JobsApi {
        final List<Long> gets = new ArrayList<>();
        long createdAt;
        long endsAt = Long.MAX_VALUE;

        @Override
        public Mono<Job> create(String prompt) {
            return Mono.fromSupplier(() -> {
                createdAt = vts.now(TimeUnit.MILLISECONDS);
                return job(JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> get(String jobId) {
            return Mono.fromSupplier(() -> {
                long now = vts.now(TimeUnit.MILLISECONDS);
                gets.add(now);
                return job(now >= endsAt ? JobStatus.COMPLETED : JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> sendMessage(String jobId, String prompt) {
            return Mono.fromSupplier(() -> job(JobStatus.ACTIVE));
        }

        Job job(JobStatus status) {
            return new Job("j", status, null, null, null, Instant.ofEpochMilli(createdAt), null);
        }
    }

    private JobWatcher watcher(JobsApi api, PollPolicy policy, DurationModel model) {
        return JobWatcher.builder(api).scheduler(vts).policy(policy.jitter(0)).random(new Random(1))
                .durationModel(model).build();
    }

    private static DurationModel threeMinuteJobs() {
        return DurationModel.known(d -> HazardScheduleTest.normalCdf(Math.log(d.toMillis() / 180_000.0) / 0.6));
    }

    @Test
    void coldStart_pollsEveryTwiceTheTargetLag() {
        Jobs api = new Jobs();
        api.endsAt = 35_000;
        watcher(api, PollPolicy.adaptive(Duration.ofSeconds(5)), DurationModel.learning()).submit("p").subscribe();
        vts.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(api.gets).containsExactly(10_000L, 20_000L, 30_000L, 40_000L);
    }

    @Test
    void resumedWatch_plansFromTheJobsAge_notFromWhenTheWatchBegan() {
        Jobs api = new Jobs();
        vts.advanceTimeBy(Duration.ofSeconds(200));
        api.createdAt = 0;
        JobWatcher w = watcher(api, PollPolicy.adaptive(Duration.ofSeconds(5)), threeMinuteJobs());
        w.watch("j").subscribe();
        vts.advanceTimeBy(Duration.ofSeconds(60));
        long firstGap = api.gets.get(1) - api.gets.get(0);
        // At 200 s a three-minute job is in its most likely stretch: polled far more often than the 30 s cap a
        // fresh job (age 0) gets.
        long planned = w.durationModel().map(m -> new AdaptivePlanner(w.policy(), m).gapMillis(200_000)).orElseThrow();
        assertThat(firstGap).isEqualTo(planned).isLessThan(15_000);
        long atBirth = new AdaptivePlanner(w.policy(), threeMinuteJobs()).gapMillis(0);
        assertThat(atBirth).isGreaterThan(20_000);
    }

    @Test
    void submittedJobs_teachTheModel_resumedAndFollowedUpOnesDoNot() {
        DurationModel model = DurationModel.learning();
        Jobs api = new Jobs();
        api.endsAt = 42_000;
        JobWatcher w = watcher(api, PollPolicy.adaptive(Duration.ofSeconds(5)), model);
        w.submit("p").subscribe();
        vts.advanceTimeBy(Duration.ofMinutes(2));
        assertThat(model.endedJobs()).isEqualTo(1);

        Jobs resumed = new Jobs();
        resumed.endsAt = vts.now(TimeUnit.MILLISECONDS) + 20_000;
        watcher(resumed, PollPolicy.adaptive(Duration.ofSeconds(5)), model).watch("j").subscribe();
        vts.advanceTimeBy(Duration.ofMinutes(2));
        assertThat(model.endedJobs()).isEqualTo(1);
    }

    @Test
    void cancelledWatch_isLearnedAsStillRunning() {
        DurationModel model = DurationModel.learning();
        Jobs api = new Jobs();
        var subscription = watcher(api, PollPolicy.adaptive(Duration.ofSeconds(5)), model).submit("p").subscribe();
        vts.advanceTimeBy(Duration.ofSeconds(25));
        subscription.dispose();
        assertThat(model.snapshot().censoredJobs()).isEqualTo(1);
        // Seen running at 20 s: that is the age it is censored at.
        assertThat(model.snapshot().censored()[DurationGrid.bin(20)]).isEqualTo(1);
        assertThat(model.endedJobs()).isZero();
    }

    @Test
    void tinyTarget_stillKeepsTheHundredMillisecondFloor() {
        Jobs api = new Jobs();
        api.endsAt = 2_000;
        watcher(api, PollPolicy.adaptive(PollPolicy.MIN_INTERVAL), DurationModel.learning()).submit("p").subscribe();
        vts.advanceTimeBy(Duration.ofSeconds(5));
        for (int i = 1; i < api.gets.size(); i++) {
            assertThat(api.gets.get(i) - api.gets.get(i - 1)).isGreaterThanOrEqualTo(100);
        }
        assertThat(api.gets).isNotEmpty();
    }

    @Test
    void submittedJob_isPolledAtTheAgesTheOptimalSchedulePlans_untilItsEnd() {
        Jobs api = new Jobs();
        api.endsAt = 200_000;
        JobWatcher w = watcher(api, PollPolicy.adaptive(Duration.ofSeconds(5)), threeMinuteJobs());
        w.submit("p").subscribe();
        vts.advanceTimeBy(Duration.ofMinutes(10));
        OptimalSchedule s = OptimalSchedule.calibrated(threeMinuteJobs().fit(), 5, 0.1, 30, 0);
        List<Long> planned = new ArrayList<>();
        long age = 0;
        do {
            age += s.gapMillis(age);
            planned.add(age);
        } while (age < api.endsAt);
        // The first poll of a new job is planned too (no 10 s first-poll delay), and the last one sees the end.
        assertThat(api.gets).containsExactlyElementsOf(planned);
        assertThat(api.gets.get(0)).isGreaterThan(25_000);
    }
}
