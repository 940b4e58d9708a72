package dev.agentjobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs create PROMPT} (or {@code --prompt-file FILE}): creates a job and prints it, without waiting
 * for it.
 */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a job from PROMPT and print it (does not wait; see run).")
final class CreateCommand extends ClientCommand {

    @Parameters(paramLabel = "PROMPT", arity = "0..1", description = "What the agent should do.")
    String promptArgument;

    @Mixin
    PromptInput promptInput;

    private String prompt;

    CreateCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        prompt = promptInput.resolve(promptArgument, context);
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        progress.createSent();
        printer.job(await(session.client().create(prompt)));
        return ExitCodes.OK;
    }
}
