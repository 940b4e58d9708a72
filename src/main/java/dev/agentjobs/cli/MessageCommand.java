package dev.agentjobs.cli;

import dev.agentjobs.poll.PollPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs message JOB_ID PROMPT [--wait]} (or {@code --prompt-file FILE} for the prompt): sends a
 * follow-up message; with {@code --wait}, then watches the job through {@code active} to its next terminal
 * status, one line per transition, and exits by that status. {@code --deadline} covers the message too.
 */
@Command(name = "message", mixinStandardHelpOptions = true,
        description = "Send a follow-up message to a job; with --wait, watch it to its end.")
final class MessageCommand extends ClientCommand {

    @Parameters(index = "0", paramLabel = "JOB_ID", description = "The job id.")
    String jobId;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "The follow-up instruction.")
    String promptArgument;

    @Mixin
    PromptInput promptInput;

    private String prompt;

    @Option(names = "--wait", description = "Watch the job until the follow-up is done; exit 0 if it completed.")
    boolean waitForEnd;

    @Mixin
    PollOptions poll;

    @Mixin
    ModelFileOption modelFile;

    MessageCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        requireJobId(jobId);
        prompt = promptInput.resolve(promptArgument, context);
        if (!waitForEnd && (poll.anySet() || modelFile.file != null)) {
            throw new UsageException("--deadline, --interval and the other poll flags only apply with --wait");
        }
        modelFile.load(poll.adaptive());
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        if (!waitForEnd) {
            progress.messageSent(jobId);
            printer.job(await(session.client().sendMessage(jobId, prompt)));
            return ExitCodes.OK;
        }
        PollPolicy policy = poll.toPolicy(session.simulated());
        progress.messageSent(jobId);
        try {
            return follow(session.watcher(policy, modelFile).followUp(jobId, prompt), printer, policy.deadline());
        } finally {
            modelFile.save(context.err());
        }
    }
}
