package dev.agentjobs.cli;

import dev.agentjobs.api.AgentJobsException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * Turns whatever ended a command into its exit code and one line on standard error,
 * {@code agentjobs: <message>}; with {@code --verbose}, the stack trace follows. Every text goes through
 * {@link CliContext#redact} first, so not even a stack trace can carry a key the command used; then control
 * characters are escaped ({@link TerminalText}) and a long job id is cut short: an id may come from a server,
 * and is repeated whole only where the user needs it whole (the interrupt line's resume command).
 *
 * <p>An interrupted command prints nothing here: its shutdown hook already printed its one line.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

    private final CliContext context;

    ErrorReporter(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine command, CommandLine.ParseResult parseResult) {
        if (ex instanceof CallWait.Interrupted) {
            return ExitCodes.INTERRUPTED;
        }
        report(shortenId(describe(ex), ex));
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

    /** Reports a usage error found before picocli parsed anything; returns its exit code. */
    int reportUsage(UsageException ex) {
        report(ex.getMessage());
        return ExitCodes.USAGE;
    }

    private void report(String message) {
        String oneLine = message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        context.err().println("agentjobs: " + TerminalText.escape(context.redact(oneLine)));
        context.err().flush();
    }

    /** {@code message} with the error's job id, when long, cut to {@link TerminalText#MAX_SHOWN} characters. */
    private static String shortenId(String message, Throwable ex) {
        if (message != null && ex instanceof AgentJobsException a && a.jobId().isPresent()) {
            String id = a.jobId().get();
            return id.length() > TerminalText.MAX_SHOWN ? message.replace(id, TerminalText.abbreviate(id)) : message;
        }
        return message;
    }

    private static String describe(Throwable ex) {
        String message = ex.getMessage();
        if (ex instanceof UsageException || ex instanceof AgentJobsException) {
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
