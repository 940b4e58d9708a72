package dev.agentjobs.poll;

/**
 * What the {@code agentjobs-adaptive} peer of the {@code watch} benchmark plans, read through the same
 * {@link AdaptivePlanner} the engine builds for an adaptive policy: whether the model is ready (so every poll
 * is planned from the hazard schedule, not the cold fallback of {@code 2 x targetLag}) and the gap it plans at
 * an age. In the package of the planner, which is package-private; the benchmarks module runs on the class
 * path, so the split package is harmless (as for {@link PlanningCost}).
 */
public final class AdaptivePlan {

    private final AdaptivePlanner planner;

    public AdaptivePlan(PollPolicy policy, DurationModel model) {
        if (!policy.isAdaptive()) {
            throw new IllegalArgumentException("not an adaptive policy: " + policy);
        }
        this.planner = new AdaptivePlanner(policy, model);
    }

    /** True when polls are planned from the model's hazard schedule (the model has a fit). */
    public boolean plansByHazard() {
        return planner.schedule() != null;
    }

    /** The (unjittered) gap planned after a poll that read the job running at {@code ageMillis}. */
    public long gapMillis(long ageMillis) {
        return planner.gapMillis(ageMillis);
    }
}
