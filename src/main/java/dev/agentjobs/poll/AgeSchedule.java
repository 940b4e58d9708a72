package dev.agentjobs.poll;

/**
 * A poll interval for every age of a job, planned once from a {@link DurationFit} and then only looked up:
 * {@link OptimalSchedule} (what an adaptive policy plans with) or {@link HazardSchedule} (the first-order
 * {@code sqrt(2c / hazard)} rule, kept as the reference it is measured against).
 */
interface AgeSchedule {

    /** The planned interval for a job of this age, in milliseconds, within [min, max] of the policy. */
    long gapMillis(long ageMillis);

    /** The fit it was planned from. */
    DurationFit fit();

    /** The GETs a job costs on average under this schedule, by the fit (no jitter, no errors). */
    double expectedPolls();

    /** The mean detection lag in seconds, by the fit. */
    double expectedLagSeconds();
}
