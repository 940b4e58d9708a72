package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdaptivePlannerTest {

    private final PollPolicy policy = PollPolicy.adaptive(Duration.ofSeconds(5));
    private final Random random = new Random(11);

    /** Teaches {@code n} log-normal jobs (median {@code median} s, sigma 0.6), each seen ended within 5 s. */
    private void teach(DurationModel model, int n, double median) {
        for (int i = 0; i < n; i++) {
            long d = Math.round(median * 1000 * Math.exp(0.6 * random.nextGaussian()));
            long running = d / 5_000 * 5_000;
            model.observeEnded(running, running + 5_000);
        }
    }

    @Test
    void coldModel_plansTwiceTheTargetLag_untilThirtyJobsEnded() {
        DurationModel model = DurationModel.learning();
        AdaptivePlanner planner = new AdaptivePlanner(policy, model);
        teach(model, DurationModel.MIN_JOBS - 1, 180);
        assertThat(planner.schedule()).isNull();
        for (long age : new long[] {0, 60_000, 180_000, 3_600_000}) {
            assertThat(planner.gapMillis(age)).isEqualTo(10_000);
        }
        teach(model, 1, 180);
        assertThat(planner.schedule()).isInstanceOf(OptimalSchedule.class);
        // Now planned: a fresh job is polled rarely, one at the median often.
        assertThat(planner.gapMillis(0)).isGreaterThan(planner.gapMillis(180_000));
    }

    @Test
    void readyModel_plansTheCalibratedOptimum_withinThePolicysClamps() {
        DurationModel model = DurationModel.learning();
        teach(model, 300, 180);
        for (Duration cap : new Duration[] {Duration.ofSeconds(30), Duration.ofSeconds(60)}) {
            AdaptivePlanner planner = new AdaptivePlanner(policy.maxInterval(cap), model);
            OptimalSchedule expected = OptimalSchedule.calibrated(model.fit(), 5, 0.1, cap.toSeconds(), 0);
            for (long age = 0; age < 7_200_000; age += 1_000) {
                long gap = planner.gapMillis(age);
                assertThat(gap).as("age %d", age).isEqualTo(expected.gapMillis(age))
                        .isBetween(PollPolicy.MIN_INTERVAL.toMillis(), cap.toMillis());
            }
            assertThat(planner.gapMillis(PollPolicy.MAX_DURATION.toMillis())).isEqualTo(cap.toMillis());
        }
    }

    @Test
    void plannersOfOneModelAndPolicy_shareOnePlan_soAWatcherPerRequestDoesNotReplan() {
        DurationModel model = DurationModel.learning();
        teach(model, 300, 180);
        AgeSchedule first = new AdaptivePlanner(policy, model).schedule();
        assertThat(new AdaptivePlanner(policy, model).schedule()).isSameAs(first);
        assertThat(new AdaptivePlanner(policy.maxInterval(Duration.ofSeconds(60)), model).schedule())
                .as("other clamps, another plan").isNotSameAs(first);
    }

    @Test
    void refit_replansOnlyWhenTheFitMovedEnough() {
        DurationModel model = DurationModel.learning();
        teach(model, 400, 180);
        AdaptivePlanner planner = new AdaptivePlanner(policy, model);
        AgeSchedule first = planner.schedule();
        DurationFit planned = model.fit();

        // 25 more jobs of the same kind: a refit (5% more jobs) that moves the fit little.
        teach(model, 25, 180);
        assertThat(model.fit()).isNotSameAs(planned);
        assertThat(planned.distance(model.fit())).isLessThan(AdaptivePlanner.REPLAN_DISTANCE);
        assertThat(planner.schedule()).isSameAs(first);

        // Jobs twice as long: the fit moves far, the schedule follows.
        teach(model, 300, 360);
        assertThat(first.fit().distance(model.fit())).isGreaterThanOrEqualTo(AdaptivePlanner.REPLAN_DISTANCE);
        AgeSchedule replanned = planner.schedule();
        assertThat(replanned).isNotSameAs(first);
        assertThat(replanned.fit()).isSameAs(model.fit());
        // Calibrated from the previous price, which only narrows the search.
        OptimalSchedule expected = OptimalSchedule.calibrated(model.fit(), 5, 0.1, 30,
                ((OptimalSchedule) first).price());
        for (long age = 0; age < 3_600_000; age += 1_000) {
            assertThat(replanned.gapMillis(age)).as("age %d", age).isEqualTo(expected.gapMillis(age));
        }
    }

    @Test
    void savedAndLoadedModel_plansTheSameSchedule() {
        DurationModel model = DurationModel.learning();
        model.recordStillRunning(Duration.ofMinutes(9));
        teach(model, 200, 180);
        // Up to a refit, so the fit in use is the one of everything the model holds (what a load computes).
        DurationFit before = model.fit();
        while (model.fit() == before) {
            teach(model, 1, 180);
        }
        DurationModel loaded = DurationModel.fromJson(model.toJson());
        AdaptivePlanner original = new AdaptivePlanner(policy, model);
        AdaptivePlanner restored = new AdaptivePlanner(policy, loaded);
        assertThat(restored.schedule()).isNotNull();
        for (long age = 0; age < 3_600_000; age += 700) {
            assertThat(restored.gapMillis(age)).as("age %d", age).isEqualTo(original.gapMillis(age));
        }
    }

    @Test
    void firstOrderReference_plansWithTheSqrtRule_andTheOptimumNeedsNoMoreRequests() {
        DurationModel known = DurationModel.known(
                d -> HazardScheduleTest.normalCdf(Math.log(d.toMillis() / 180_000.0) / 0.6));
        AgeSchedule rule = new AdaptivePlanner(policy, known.firstOrderReference()).schedule();
        AgeSchedule optimum = new AdaptivePlanner(policy, known).schedule();
        assertThat(rule).isInstanceOf(HazardSchedule.class);
        assertThat(optimum).isInstanceOf(OptimalSchedule.class);
        // Both meet the 5 s target by the model; at the optimum's price of a request, the rule's schedule costs
        // at least as much (within the optimum's grid).
        assertThat(rule.expectedLagSeconds()).isLessThanOrEqualTo(5.0 * 1.001);
        assertThat(optimum.expectedLagSeconds()).isLessThanOrEqualTo(5.0);
        double price = ((OptimalSchedule) optimum).price();
        assertThat(price * optimum.expectedPolls() + optimum.expectedLagSeconds())
                .isLessThanOrEqualTo((price * rule.expectedPolls() + rule.expectedLagSeconds()) * 1.002);
    }

    /** 3,000 jobs of one kind, one at a time: 151 refits, 16 re-plans (measured), most while it learns. */
    @Test
    void stationaryDurations_replanFarLessOftenThanTheModelRefits() {
        DurationModel model = DurationModel.learning();
        AdaptivePlanner planner = new AdaptivePlanner(policy, model);
        Set<DurationFit> fits = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<AgeSchedule> schedules = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 3_000; i++) {
            teach(model, 1, 180);
            if (planner.schedule() != null) {
                fits.add(model.fit());
                schedules.add(planner.schedule());
            }
        }
        assertThat(fits).hasSizeGreaterThan(100);
        assertThat(schedules.size()).isLessThan(fits.size() / 4);
    }
}
