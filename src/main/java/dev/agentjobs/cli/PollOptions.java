package dev.agentjobs.cli;

import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import java.util.function.BiFunction;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * How a waiting command polls. Unset flags keep the base policy: {@link PollPolicy#defaults()} against a real
 * server (first poll after 10 s, then 5 s growing to 30 s, deadline 2 h), {@link #SIMULATED} under
 * {@code --simulate}, where jobs last seconds and a quick demo matters more than sparing the server.
 *
 * <p>Every flag is checked against {@link PollPolicy}'s bounds as it is parsed (intervals at least 100 ms,
 * durations at most ten years, ...), so a value the policy refuses is a usage error naming the flag, reported
 * before any session is opened and anything sent. Each bound holds on its own, whatever the other flags, so
 * checking each against the defaults checks the policy {@link #toPolicy} builds.
 */
final class PollOptions {

    /** The base policy under {@code --simulate}: poll every second, give up after 5 minutes. */
    static final PollPolicy SIMULATED = PollPolicy.fixed(Duration.ofSeconds(1)).deadline(Duration.ofMinutes(5));

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Duration interval;
    Duration maxInterval;
    Double multiplier;
    Duration firstPollDelay;
    Double jitter;
    Long maxPolls;
    Duration targetLag;
    private Duration deadline;
    private boolean deadlineSet;

    @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "First interval between polls, at least 100ms (default 5s; 1s with --simulate). Also"
                    + " the first-poll delay unless --first-poll-delay is given.")
    void interval(Duration value) {
        interval = checked("--interval", value, PollPolicy::interval);
    }

    @Option(names = "--max-interval", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Largest interval between polls, at least 100ms (default 30s).")
    void maxInterval(Duration value) {
        maxInterval = checked("--max-interval", value, PollPolicy::maxInterval);
    }

    @Option(names = "--multiplier", paramLabel = "X",
            description = "Growth of the interval after each poll, within [1, 10] (default 1.25).")
    void multiplier(double value) {
        multiplier = checked("--multiplier", value, PollPolicy::multiplier);
    }

    @Option(names = "--first-poll-delay", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Wait before the first poll of a new job (default 10s; 1s with --simulate).")
    void firstPollDelay(Duration value) {
        firstPollDelay = checked("--first-poll-delay", value, PollPolicy::firstPollDelay);
    }

    @Option(names = "--jitter", paramLabel = "F",
            description = "Random part of each interval, within [0, 1) (default 0.1).")
    void jitter(double value) {
        jitter = checked("--jitter", value, PollPolicy::jitter);
    }

    @Option(names = "--target-lag", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Adaptive polling: plan each poll from the job's age and the durations of the jobs seen"
                    + " end, for this mean delay between a job's end and the poll that sees it; at least 100ms."
                    + " --max-interval still caps every interval.")
    void targetLag(Duration value) {
        targetLag = checked("--target-lag", value, PollPolicy::targetLag);
    }

    @Option(names = "--max-polls", paramLabel = "N",
            description = "Give up (exit 4) after N polls; 0 for no cap (the default).")
    void maxPolls(long value) {
        maxPolls = checked("--max-polls", value, PollPolicy::maxPolls);
    }

    // "--deadline none" binds null, and must still count as given.
    @Option(names = "--deadline", paramLabel = "DURATION", converter = DurationConverter.OrNone.class,
            description = "Give up (exit 4) when the job has not ended within DURATION (at most 3650d), or none"
                    + " (default 2h; 5m with --simulate).")
    void deadline(Duration value) {
        deadline = value == null ? null : checked("--deadline", value, PollPolicy::deadline);
        deadlineSet = true;
    }

    /** Whether any flag was given. */
    boolean anySet() {
        return deadlineSet || interval != null || maxInterval != null || multiplier != null
                || firstPollDelay != null || jitter != null || maxPolls != null || targetLag != null;
    }

    /** Whether {@code --target-lag} turns adaptive polling on. */
    boolean adaptive() {
        return targetLag != null;
    }

    /**
     * The policy: the base one with every given flag applied.
     *
     * @throws UsageException naming the setting whose value the policy refuses (flags are checked as they are
     *                        parsed, so only values set here directly can get this far)
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
            if (targetLag != null) {
                p = p.targetLag(targetLag);
            }
            return deadlineSet ? p.deadline(deadline) : p;
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
    }

    /** {@code value}, once {@link PollPolicy} took it; otherwise a parse error naming {@code flag}. */
    private <T> T checked(String flag, T value, BiFunction<PollPolicy, T, PollPolicy> setter) {
        try {
            setter.apply(PollPolicy.defaults(), value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "Invalid value for option '" + flag + "': " + e.getMessage());
        }
        return value;
    }
}
