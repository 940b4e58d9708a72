package dev.agentjobs.cli;

import picocli.CommandLine;

/**
 * Entry point of {@code agentjobs-cli.jar}.
 *
 * <pre>{@code
 * java -jar target/agentjobs-cli.jar run --simulate "Fix the typo"
 * MINTLIFY_API_KEY=... MINTLIFY_PROJECT_ID=... java -jar target/agentjobs-cli.jar run "Fix the typo"
 * }</pre>
 *
 * <p>See {@code agentjobs --help} for the commands and the exit codes.
 */
public final class Main {

    private Main() {
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(CliContext.system(), args));
    }

    /** Runs the command line against {@code context} (tests pass a made-up environment and captured streams). */
    static int run(CliContext context, String... args) {
        return commandLine(context).execute(args);
    }

    static CommandLine commandLine(CliContext context) {
        ErrorReporter reporter = new ErrorReporter(context);
        return new CommandLine(AgentJobsCommand.class, new CommandFactory(context))
                .setOut(context.out())
                .setErr(context.err())
                .setExecutionExceptionHandler(reporter)
                .setParameterExceptionHandler(reporter);
    }
}
