package dev.agentjobs.simulator;

import dev.agentjobs.simulator.AgentJobsSimulator.RetryAfterFormat;
import java.time.Clock;
import java.util.Set;

/** The frozen configuration a {@link AgentJobsSimulator.Builder} produced; {@code projects} null = any. */
record Settings(String host, int port, String apiKey, Set<String> projects, JobDurations durations,
                double failRatio, RateLimit createLimit, RateLimit messageLimit, Clock clock, long seed,
                Faults faults, RetryAfterFormat retryAfterFormat, int eventLoopThreads, int recordCapacity,
                String repository, String model) {

    @Override
    public String toString() {
        // The API key stays out, even here.
        return "Settings[" + host + ":" + port + " projects=" + (projects == null ? "any" : projects)
                + " durations=" + durations + " failRatio=" + failRatio + " create=" + createLimit
                + " message=" + messageLimit + " seed=" + seed + " " + faults + "]";
    }
}
