package dev.agentjobs.cli;

import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How a waiting command polls. Unset flags keep the base policy: {@link PollPolicy#defaults()} against a real
 * server (first poll after 10 s, then 5 s growing to 30 s, deadline 2 h), {@link #SIMULATED} under
 * {@code --simulate}, where jobs last seconds and a quick demo matters more than sparing the server.
 */
final class PollOptions {

    /** The base policy under {@code --simulate}: poll every second, give up after 5 minutes. */
    static final PollPolicy SIMULATED = PollPolicy.fixed(Duration.ofSeconds(1)).deadline(Duration.ofMinutes(5));

    private Duration deadline;
    private boolean deadlineSet;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "First interval between polls (default 5s; 1s with --simulate). Also the first-poll"
                    + " delay unless --first-poll-delay is given.")
    Duration interval;

    @Option(names = "--max-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Largest interval between polls (default 30s).")
    Duration maxInterval;

    @Option(names = "--multiplier", paramLabel = "X",
            description = "Growth of the interval after each poll, within [1, 10] (default 1.25).")
    Double multiplier;

    @Option(names = "--first-poll-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait before the first poll of a new job (default 10s; 1s with --simulate).")
    Duration firstPollDelay;

    @Option(names = "--jitter", paramLabel = "F",
            description = "Random part of each interval, within [0, 1) (default 0.1).")
    Double jitter;

    @Option(names = "--max-polls", paramLabel = "N",
            description = "Give up (exit 4) after N polls; 0 for no cap (the default).")
    Long maxPolls;

    // A setter, not a field: "--deadline none" binds null, and must still count as given.
    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.OrNone.class,
            description = "Give up (exit 4) when the job has not ended within DURATION, or none"
                    + " (default 2h; 5m with --simulate).")
    void deadline(Duration value) {
        deadline = value;
        deadlineSet = true;
    }

    /** Whether any flag was given. */
    boolean anySet() {
        return deadlineSet || interval != null || maxInterval != null || multiplier != null
                || firstPollDelay != null || jitter != null || maxPolls != null;
    }

    /**
     * The policy: the base one with every given flag applied.
     *
     * @throws UsageException naming the flag whose value the policy refuses
     */
    PollPolicy toPolicy(boolean simulated) {
        PollPolicy p = simulated ? SIMULATED : PollPolicy.defaults();
        try {
            if (interval != null) {
                p = p.interval(interval).firstPollDelay(interval);
            }
            if (firstPollDelay != null) {
                p = p.firstPollDelay(firstPollDelay);
            }
            if (maxInterval != null) {
                p = p.maxInterval(maxInterval);
            }
            if (multiplier != null) {
                p = p.multiplier(multiplier);
            }
            if (jitter != null) {
                p = p.jitter(jitter);
            }
            if (maxPolls != null) {
                p = p.maxPolls(maxPolls);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return deadlineSet ? p.deadline(deadline) : p;
    }
}
