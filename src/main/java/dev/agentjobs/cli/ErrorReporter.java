package dev.agentjobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Turns whatever ended a command into its exit code and one line on standard error,
 * {@code agentjobs: <message>}; with {@code --verbose}, the stack trace follows. Every text goes through
 * {@link CliContext#redact} first, so not even a stack trace can carry a key the command used.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    private final CliContext context;

    ErrorReporter(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, CommandLine.ParseResult parseResult) {
        report(describe(ex));
        if (parseResult != null && verbose(parseResult)) {
            StringWriter trace = new StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            context.err().print(context.redact(trace.toString()));
            context.err().flush();
        }
        return ExitCodes.forError(ex);
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine command = ex.getCommandLine();
        String help = command.getCommandSpec().qualifiedName() + " --help";
        report(ex.getMessage() + " (see '" + help + "')");
        return ExitCodes.USAGE;
    }

    private void report(String message) {
        String oneLine = message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        context.err().println("agentjobs: " + context.redact(oneLine));
        context.err().flush();
    }

    private static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (ex instanceof UsageException || ex instanceof dev.agentjobs.api.AgentJobsException) {
            return message;
        }
        // Not one of ours: name the type, since the message alone ("null", "Timeout on ...") may not say much.
        return ex.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static boolean verbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
