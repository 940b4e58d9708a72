package dev.agentjobs.poll;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Plans the next poll of an adaptive policy ({@link PollPolicy#targetLag}) from a job's age: while the model is
 * not ready, a fixed interval of twice the target lag (a job ends on average half an interval before the
 * poll that sees it, so that interval meets the target without knowing anything); once it is, the
 * {@link OptimalSchedule} of the model's fit, calibrated to the target and clamped to
 * [{@link PollPolicy#MIN_INTERVAL}, {@link PollPolicy#maxInterval}].
 *
 * <p>One per watcher; the plan itself lives in the model ({@link DurationModel#planSlot}), shared by every
 * planner of the same target and clamps, so a watcher made per request does not re-plan. A plan is a volatile
 * read and a binary search over the schedule's ages. The schedule is
 * re-planned (a few milliseconds: a dozen dynamic-programming solves) by the first plan after a refit, and only
 * if the fit moved at least {@value #REPLAN_DISTANCE} (largest CDF difference) from the one it was planned for:
 * a schedule optimal for a nearby distribution is within a fraction of a percent of the optimum for this one,
 * and a model that refits every 25 jobs would otherwise re-plan as often whether or not anything changed. A
 * shift the detector catches moves the fit by far more. Two threads may both re-plan after one refit; they build
 * the same schedule.
 */
final class AdaptivePlanner {

    /** How far (largest CDF difference) the fit must move from the planned one before the schedule is re-planned. */
    static final double REPLAN_DISTANCE = 0.02;

    private final DurationModel model;
    private final double targetLagSeconds;
    private final double minSeconds;
    private final double maxSeconds;
    private final long coldGapMillis;
    private final AtomicReference<Plan> plan;

    /** The schedule in use and the latest fit it was checked against (kept when that fit was close enough). */
    private record Plan(DurationFit checked, AgeSchedule schedule) {
    }

    /** What a plan depends on besides the model: planners with equal keys share one. */
    private record PlanKey(double targetLagSeconds, double minSeconds, double maxSeconds) {
    }

    AdaptivePlanner(PollPolicy policy, DurationModel model) {
        this.model = model;
        this.targetLagSeconds = policy.targetLag().toMillis() / 1000.0;
        this.minSeconds = PollPolicy.MIN_INTERVAL.toMillis() / 1000.0;
        this.maxSeconds = policy.maxInterval().toMillis() / 1000.0;
        this.coldGapMillis = Math.min(policy.maxInterval().toMillis(),
                PollPolicy.pollGapMillis(PollPolicy.plusSaturated(policy.targetLag().toMillis(),
                        policy.targetLag().toMillis())));
        this.plan = model.planSlot(new PlanKey(targetLagSeconds, minSeconds, maxSeconds));
    }

    /** The planned (unjittered) interval before the next poll of a job {@code ageMillis} old. */
    long gapMillis(long ageMillis) {
        DurationFit fit = model.fit();
        if (fit == null) {
            return coldGapMillis;
        }
        Plan p = plan.get();
        if (p == null || p.checked() != fit) {
            p = replan(p, fit);
            plan.set(p);
        }
        return p.schedule().gapMillis(ageMillis);
    }

    private Plan replan(Plan previous, DurationFit fit) {
        if (previous != null && previous.schedule().fit().distance(fit) < REPLAN_DISTANCE) {
            return new Plan(fit, previous.schedule());
        }
        if (model.plansFirstOrder()) {
            return new Plan(fit, HazardSchedule.calibrated(fit, targetLagSeconds, minSeconds, maxSeconds));
        }
        // The previous price is a close first guess: the calibration then brackets it in two solves.
        double hint = previous != null && previous.schedule() instanceof OptimalSchedule o ? o.price() : 0;
        return new Plan(fit, OptimalSchedule.calibrated(fit, targetLagSeconds, minSeconds, maxSeconds, hint));
    }

    /** The schedule now in use, or null while the model is not ready (for tests and the benchmark). */
    AgeSchedule schedule() {
        gapMillis(0);
        Plan p = plan.get();
        return model.fit() == null || p == null ? null : p.schedule();
    }

    DurationModel model() {
        return model;
    }
}
