package dev.agentjobs.cli;

import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.Faults;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import picocli.CommandLine.Option;

/**
 * How a simulator behaves: for {@code simulate}, and for the embedded one of {@code --simulate}. Unset
 * flags keep the caller's defaults, so {@link #anySet()} can tell a client command that got them without
 * {@code --simulate}.
 */
final class SimulatorOptions {

    @Option(names = "--duration", paramLabel = "SPEC",
            description = "How long jobs stay active: 2s, a range 1s..5s, or lognormal:MEDIAN,SIGMA.")
    String duration;

    @Option(names = "--fail-ratio", paramLabel = "R",
            description = "Probability in [0, 1] that a job ends failed instead of completed (default 0).")
    Double failRatio;

    @Option(names = "--fault-ratio", paramLabel = "R",
            description = "Probability in [0, 1] that a request gets an injected fault, spread over all kinds"
                    + " (default 0).")
    Double faultRatio;

    @Option(names = "--create-limit", paramLabel = "N/WINDOW",
            description = "Creates allowed per project, like 100/1h (the default), or none.")
    String createLimit;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of every random draw (default 1).")
    Long seed;

    /** Whether any of these flags was given. */
    boolean anySet() {
        return duration != null || failRatio != null || faultRatio != null || createLimit != null || seed != null;
    }

    /**
     * Applies the flags given to {@code builder}, with {@code defaultDurations} when {@code --duration} is not.
     *
     * @throws UsageException naming the flag whose value is wrong
     */
    AgentJobsSimulator.Builder applyTo(AgentJobsSimulator.Builder builder, JobDurations defaultDurations) {
        try {
            builder.durations(duration == null ? defaultDurations : JobDurations.parse(duration));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--duration: " + e.getMessage(), e);
        }
        try {
            if (failRatio != null) {
                builder.failRatio(failRatio);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--fail-ratio: " + e.getMessage(), e);
        }
        try {
            if (faultRatio != null) {
                builder.faults(Faults.uniform(faultRatio));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--fault-ratio: " + e.getMessage(), e);
        }
        try {
            if (createLimit != null) {
                builder.createLimit(RateLimit.parse(createLimit));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--create-limit: " + e.getMessage(), e);
        }
        if (seed != null) {
            builder.seed(seed);
        }
        return builder;
    }
}
