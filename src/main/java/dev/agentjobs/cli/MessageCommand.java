package dev.agentjobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs message JOB_ID PROMPT [--wait]}: sends a follow-up message; with {@code --wait}, then
 * watches the job through {@code active} to its next terminal status, one line per transition, and exits by
 * that status.
 */
@Command(name = "message", mixinStandardHelpOptions = true,
        description = "Send a follow-up message to a job; with --wait, watch it to its end.")
final class MessageCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job id.")
    String jobId;

    @Parameters(index = "1", paramLabel = "PROMPT", description = "The follow-up instruction.")
    String prompt;

    @Option(names = "--wait", description = "Watch the job until the follow-up is done; exit 0 if it completed.")
    boolean waitForEnd;

    @Mixin
    PollOptions poll;

    MessageCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        requireJobId(jobId);
        requirePrompt(prompt);
        if (!waitForEnd && poll.anySet()) {
            throw new UsageException("--deadline, --interval and the other poll flags only apply with --wait");
        }
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        if (!waitForEnd) {
            printer.job(await(session.client().sendMessage(jobId, prompt)));
            return ExitCodes.OK;
        }
        return follow(session.watcher(poll.toPolicy(session.simulated())).followUp(jobId, prompt), printer);
    }
}
