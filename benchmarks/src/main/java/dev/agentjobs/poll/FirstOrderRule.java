package dev.agentjobs.poll;

/**
 * The benchmarks' door to the first-order {@code sqrt(2c / hazard)} schedule ({@link HazardSchedule}), which
 * the library keeps only as the reference its optimal schedule is measured against (package-private there;
 * the benchmarks module runs on the class path, so this split package is harmless).
 */
public final class FirstOrderRule {

    private FirstOrderRule() {
    }

    /** A frozen copy of {@code model} whose adaptive watchers plan with the first-order rule. */
    public static DurationModel planningWith(DurationModel model) {
        return model.firstOrderReference();
    }
}
