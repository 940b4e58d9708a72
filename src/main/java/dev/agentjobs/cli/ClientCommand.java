package dev.agentjobs.cli;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.reactivestreams.Publisher;
import picocli.CommandLine.Mixin;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What every client command shares: the connection, output and embedded-simulator flags, opening and closing
 * the {@link ClientSession}, waiting for results in the command's own thread, and what to say when stopped.
 *
 * <p>Blocking is fine here: this is the CLI's main thread, never the client's event loop. Every wait is bounded
 * ({@link CallWait}): one call by the context's call limit, a watch by its deadline from the start of the
 * command, the create or message that starts a watch by both. Events are printed in this thread, so no output
 * stream is written from the event loop.
 *
 * <p>When the process is stopped (Ctrl-C, SIGTERM), the JVM runs the hook registered here: it prints one line
 * saying what may exist on the server and how to resume ({@link Progress}), and cuts the wait.
 */
abstract class ClientCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Mixin
    SimulatorOptions simulatorOptions;

    final CliContext context;
    final Progress progress = new Progress();
    private volatile CallWait<?> current;
    private volatile boolean stopped;

    ClientCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() {
        checkArguments();
        context.onShutdown(this::interrupted);
        Printer printer = new Printer(context.out(), output.json, context::redact);
        try (ClientSession session = ClientSession.open(context, connection, simulatorOptions)) {
            return execute(session, printer);
        } finally {
            progress.finished();
        }
    }

    /** Checks positional arguments and flag combinations before any session is opened (nothing is sent). */
    abstract void checkArguments();

    /** Does the command's work and returns its exit code; errors propagate to the {@link ErrorReporter}. */
    abstract int execute(ClientSession session, Printer printer);

    /** The shutdown hook: one line on stderr, then the waiting thread is woken to end with exit 130. */
    void interrupted() {
        String line = progress.interrupt();
        if (line == null) {
            return;
        }
        stopped = true;
        context.err().println("agentjobs: " + TerminalText.escape(context.redact(line)));
        context.err().flush();
        CallWait<?> wait = current;
        if (wait != null) {
            wait.cut();
        }
    }

    /** Waits for one call in this thread, no longer than the context's call limit. */
    Job await(Mono<Job> call) {
        Duration limit = context.callLimit();
        CallWait<Job> wait = begin(call);
        Job job;
        try {
            job = wait.next(System.nanoTime() + limit.toNanos());
        } catch (CallWait.Expired e) {
            throw progress.expired(limit, false);
        }
        if (job == null) {
            throw new IllegalStateException("the server answered without a job");
        }
        if (job.id() != null) {
            progress.jobKnown(job.id());
        }
        return job;
    }

    /**
     * Prints each event as it arrives and returns the exit code of the last job: 0 completed, 1 failed/archived.
     * The whole watch ends by {@code deadline} (counted from now, so it covers the create or message that starts
     * it); that first call also by the call limit.
     *
     * @param deadline the watch's deadline, or {@code null} for none
     */
    int follow(Flux<JobEvent> events, Printer printer, Duration deadline) {
        long start = System.nanoTime();
        long end = deadline == null ? CallWait.NO_DEADLINE : start + deadline.toNanos();
        Duration limit = context.callLimit();
        boolean callFirst = progress.awaitingAnswer();
        boolean limitFirst = callFirst && (deadline == null || limit.compareTo(deadline) < 0);
        long firstEnd = limitFirst ? start + limit.toNanos() : end;
        CallWait<JobEvent> wait = begin(events);
        Job last = null;
        while (true) {
            JobEvent e;
            try {
                e = wait.next(last == null ? firstEnd : end);
            } catch (CallWait.Expired expired) {
                throw progress.expired(last == null && limitFirst ? limit : deadline, true);
            }
            if (e == null) {
                break;
            }
            progress.jobKnown(e.jobId());
            printer.event(e);
            last = e.job();
        }
        if (last == null) {
            throw new IllegalStateException("the watch ended without any event");
        }
        return ExitCodes.forFinalJob(last);
    }

    private <T> CallWait<T> begin(Publisher<T> source) {
        CallWait<T> wait = new CallWait<>(source);
        current = wait;
        if (stopped) {
            // The hook ran before this wait began: it found nothing to cut.
            wait.cut();
        }
        return wait;
    }

    /** Refuses an empty or blank job id. */
    static void requireJobId(String jobId) {
        if (jobId == null || jobId.isBlank()) {
            throw new UsageException("JOB_ID must not be empty");
        }
    }
}
