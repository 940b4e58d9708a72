package dev.agentjobs.cli;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Mixin;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What every client command shares: the connection, output and embedded-simulator flags, opening and closing
 * the {@link ClientSession}, and waiting for results in the command's own thread.
 *
 * <p>Blocking is fine here: this is the CLI's main thread, never the client's event loop. Events are handed
 * to this thread through {@link Flux#toStream} and printed here, so no output stream is written from the
 * event loop.
 */
abstract class ClientCommand implements Callable<Integer> {

    /** Bound on one call; the client's own timeouts (connect 10 s, response 30 s, a few retries) end it sooner. */
    static final Duration CALL_LIMIT = Duration.ofMinutes(5);

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Mixin
    SimulatorOptions simulatorOptions;

    final CliContext context;

    ClientCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() {
        checkArguments();
        Printer printer = new Printer(context.out(), output.json);
        try (ClientSession session = ClientSession.open(context, connection, simulatorOptions)) {
            return execute(session, printer);
        }
    }

    /** Checks positional arguments and flag combinations before any session is opened (nothing is sent). */
    abstract void checkArguments();

    /** Does the command's work and returns its exit code; errors propagate to the {@link ErrorReporter}. */
    abstract int execute(ClientSession session, Printer printer);

    /** Waits for one call in this thread. */
    static Job await(Mono<Job> call) {
        Job job = call.block(CALL_LIMIT);
        if (job == null) {
            throw new IllegalStateException("the server answered without a job");
        }
        return job;
    }

    /** Prints each event as it arrives and returns the exit code of the last job: 0 completed, 1 failed/archived. */
    static int follow(Flux<JobEvent> events, Printer printer) {
        Job last = null;
        // Closing the stream cancels the watch if this thread leaves early (an error, an interrupt).
        try (Stream<JobEvent> stream = events.toStream(1)) {
            for (JobEvent e : (Iterable<JobEvent>) stream::iterator) {
                printer.event(e);
                last = e.job();
            }
        }
        if (last == null) {
            throw new IllegalStateException("the watch ended without any event");
        }
        return ExitCodes.forFinalJob(last);
    }

    /** Refuses an empty prompt here, so that the error is a usage error and no client is even opened. */
    static void requirePrompt(String prompt) {
        if (prompt == null || prompt.isEmpty()) {
            throw new UsageException("PROMPT must not be empty");
        }
    }

    /** Refuses an empty or blank job id. */
    static void requireJobId(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            throw new UsageException("JOB_ID must not be empty");
        }
    }
}
