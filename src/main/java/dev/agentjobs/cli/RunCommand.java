package dev.agentjobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs run PROMPT}: creates a job and watches it to its end, one line per transition as it
 * happens; exits 0 when it completed, 1 when it failed or was archived.
 *
 * <pre>{@code
 * java -jar target/agentjobs-cli.jar run --simulate "Fix the typo"
 * }</pre>
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Create a job from PROMPT and watch it to its end.")
final class RunCommand extends ClientCommand {

    @Parameters(paramLabel = "PROMPT", description = "What the agent should do.")
    String prompt;

    @Mixin
    PollOptions poll;

    RunCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        requirePrompt(prompt);
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        return follow(session.watcher(poll.toPolicy(session.simulated())).submit(prompt), printer);
    }
}
