package dev.agentjobs.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code agentjobs get JOB_ID}: prints the job's current state. Exits 0 whatever that status is: the call
 * succeeded (use {@code watch} to wait and get an exit code by outcome).
 */
@Command(name = "get", mixinStandardHelpOptions = true,
        description = "Print the current state of a job.")
final class GetCommand extends ClientCommand {

    @Parameters(paramLabel = "JOB_ID", description = "The job id.")
    String jobId;

    GetCommand(CliContext context) {
        super(context);
    }

    @Override
    void checkArguments() {
        requireJobId(jobId);
    }

    @Override
    int execute(ClientSession session, Printer printer) {
        printer.job(await(session.client().get(jobId)));
        return ExitCodes.OK;
    }
}
