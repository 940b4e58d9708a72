package dev.agentjobs.cli;

import dev.agentjobs.poll.PollPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs run PROMPT} (or {@code --prompt-file FILE}): creates a job and watches it to its end, one line
 * per transition as it happens; exits 0 when it completed, 1 when it failed or was archived. {@code --deadline}
 * bounds the whole command, the create included.
 *
 * <pre>{@code
 * java -jar target/agentjobs-cli.jar run --simulate "Fix the typo"
 * }</pre>
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Create a job from PROMPT and watch it to its end.")
final class RunCommand extends ClientCommand {

    @Parameters(paramLabel = "PROMPT", arity = "0..1", description = "What the agent should do.")
    String promptArgument;

    @Mixin
    PromptInput promptInput;

    private String prompt;

    @Mixin
    PollOptions poll;

    @Mixin
    ModelFileOption modelFile;

    RunCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        prompt = promptInput.resolve(promptArgument, context);
        modelFile.load(poll.adaptive());
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        PollPolicy policy = poll.toPolicy(session.simulated());
        progress.createSent();
        // The deadline counts from here, so it covers the create too.
        try {
            return follow(session.watcher(policy, modelFile).submit(prompt), printer, policy.deadline());
        } finally {
            modelFile.save(context.err());
        }
    }
}
