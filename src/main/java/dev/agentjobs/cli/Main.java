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
        ErrorReporter reporter = new ErrorReporter(context);
        try {
            Arguments.requireDecoded(args);
        } catch (UsageException e) {
            return reporter.reportUsage(e);
        }
        return commandLine(context, reporter).execute(args);
    }

    static CommandLine commandLine(CliContext context) {
        return commandLine(context, new ErrorReporter(context));
    }

    private static CommandLine commandLine(CliContext context, ErrorReporter reporter) {
        return new CommandLine(AgentJobsCommand.class, new CommandFactory(context))
                // "@file" would send the contents of any file named after an @ as the prompt: --prompt-file
                // is the explicit way to read a prompt from a file.
                .setExpandAtFiles(false)
                .setOut(context.out())
                .setErr(context.err())
                .setExecutionExceptionHandler(reporter)
                .setParameterExceptionHandler(reporter);
    }
}
