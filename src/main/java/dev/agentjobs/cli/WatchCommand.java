package dev.agentjobs.cli;

import dev.agentjobs.poll.PollPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs watch JOB_ID}: watches an existing job (after a restart, say) to its end: its current
 * status first, then one line per transition; exits by the final status like {@code run}.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Watch an existing job to its end.")
final class WatchCommand extends ClientCommand {

    @Parameters(paramLabel = "JOB_ID", description = "The job id.")
    String jobId;

    @Mixin
    PollOptions poll;

    @Mixin
    ModelFileOption modelFile;

    WatchCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        requireJobId(jobId);
        modelFile.load(poll.adaptive());
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        PollPolicy policy = poll.toPolicy(session.simulated());
        progress.jobKnown(jobId);
        try {
            return follow(session.watcher(policy, modelFile).watch(jobId), printer, policy.deadline());
        } finally {
            modelFile.save(context.err());
        }
    }
}
