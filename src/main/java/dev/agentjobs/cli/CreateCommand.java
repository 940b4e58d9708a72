package dev.agentjobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code agentjobs create PROMPT}: creates a job and prints it, without waiting for it. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a job from PROMPT and print it (does not wait; see run).")
final class CreateCommand extends ClientCommand {

    @Parameters(paramLabel = "PROMPT", description = "What the agent should do.")
    String prompt;

    CreateCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        requirePrompt(prompt);
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        printer.job(await(session.client().create(prompt)));
        return ExitCodes.OK;
    }
}
