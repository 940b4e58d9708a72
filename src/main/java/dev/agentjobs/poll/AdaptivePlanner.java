package dev.agentjobs.poll;

/**
 * Plans the next poll of an adaptive policy ({@link PollPolicy#targetLag}) from a job's age: while the model is
 * not ready, a fixed interval of twice the target lag (a job ends on average half an interval before the
 * poll that sees it, so that interval meets the target without knowing anything); once it is, the
 * {@link HazardSchedule} of the model's latest fit, calibrated to the target and clamped to
 * [{@link PollPolicy#MIN_INTERVAL}, {@link PollPolicy#maxInterval}].
 *
 * <p>One per watcher. A plan is a volatile read, a logarithm and an array load; the schedule is rebuilt
 * (a few hundred microseconds) by the first plan after the model refits, which it does after 5% more jobs.
 * Two threads may both rebuild after one refit; they build the same schedule.
 */
final class AdaptivePlanner {

    private final DurationModel model;
    private final double targetLagSeconds;
    private final double minSeconds;
    private final double maxSeconds;
    private final long coldGapMillis;
    private volatile HazardSchedule schedule;

    AdaptivePlanner(PollPolicy policy, DurationModel model) {
        this.model = model;
        this.targetLagSeconds = policy.targetLag().toMillis() / 1000.0;
        this.minSeconds = PollPolicy.MIN_INTERVAL.toMillis() / 1000.0;
        this.maxSeconds = policy.maxInterval().toMillis() / 1000.0;
        this.coldGapMillis = Math.min(policy.maxInterval().toMillis(),
                PollPolicy.pollGapMillis(PollPolicy.plusSaturated(policy.targetLag().toMillis(),
                        policy.targetLag().toMillis())));
    }

    /** The planned (unjittered) interval before the next poll of a job {@code ageMillis} old. */
    long gapMillis(long ageMillis) {
        DurationFit fit = model.fit();
        if (fit == null) {
            return coldGapMillis;
        }
        HazardSchedule s = schedule;
        if (s == null || s.fit() != fit) {
            s = HazardSchedule.calibrated(fit, targetLagSeconds, minSeconds, maxSeconds);
            schedule = s;
        }
        return s.gapMillis(ageMillis);
    }

    /** The schedule now in use, or null while the model is not ready (for tests and the benchmark). */
    HazardSchedule schedule() {
        gapMillis(0);
        return model.fit() == null ? null : schedule;
    }

    DurationModel model() {
        return model;
    }
}
