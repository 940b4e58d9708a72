package dev.agentjobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.fanout.CreateRate;
import dev.agentjobs.fanout.FanOut;
import dev.agentjobs.fanout.FanOutOptions;
import dev.agentjobs.fanout.FanOutResult;
import dev.agentjobs.fanout.FanOutRun;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.LedgerException;
import dev.agentjobs.fanout.LedgerLock;
import dev.agentjobs.fanout.PromptSummary;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.SqliteJobLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@code agentjobs fanout FILE}: creates one job per prompt of FILE at the pace of the create budget, watches
 * each to its end, and writes one result per prompt; started again after any crash, it carries on where it
 * stopped (the restart rules are {@link FanOut}'s). {@code fanout --status} reads the ledger and sends nothing.
 *
 * <pre>{@code
 * java -jar target/agentjobs-cli.jar fanout --simulate prompts.txt
 * agentjobs fanout pages.jsonl --out results.jsonl      # Ctrl-C, then the same command again to resume
 * agentjobs fanout --status --ledger pages.jsonl.ledger.db
 * }</pre>
 *
 * <p>Exit codes: the most urgent outcome among the file's prompts: 5 when some are in doubt (decide before
 * retrying), else 3 when some ended in an error on our side (or the run was stopped by a bad key), else 1 when
 * some failed, were archived or rejected, else 0; 2 for bad input, a ledger that refuses the file, or a ledger
 * another run holds (its {@link LedgerLock}; nothing sent); 130 when interrupted (the ledger is flushed, and the command to resume is printed).
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = {"Create one job per prompt of FILE (.txt: one prompt per line; .jsonl: custom_id and prompt"
                + " per line) at the pace of the create budget, watch each to its end, and write one result per"
                + " prompt. Restartable: run the same command again after any stop.",
            "With --status, print the ledger's counts and in-doubt prompts; nothing is sent."},
        footer = {"", "Exit codes: 0 every prompt completed, 1 some failed, archived or rejected, 2 bad input or a"
                + " ledger refusing it or in use by another run (nothing sent), 3 errors on our side (deadline, bad"
                + " key), 5 some in doubt, 130 interrupted (run the same command again to resume)."})
final class FanoutCommand implements Callable<Integer> {

    /** Exit code of a run stopped by Ctrl-C or SIGTERM (128 + SIGINT). */
    static final int INTERRUPTED = 130;
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(15);
    /**
     * Bound on a read of the whole ledger (counts, catch-up, the in-doubt list): generous, since a million-row
     * ledger takes tens of seconds to page through, but never unbounded.
     */
    private static final Duration SCAN_LIMIT = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(paramLabel = "FILE", arity = "0..1", description = "The prompts: a .txt or .jsonl file.")
    Path file;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Append one JSON line per prompt as it ends; never a second line for a prompt, across"
                    + " restarts.")
    Path out;

    @Option(names = "--ledger", paramLabel = "PATH",
            description = "The SQLite ledger (default: FILE.ledger.db beside FILE; FILE.simulated.ledger.db with"
                    + " --simulate).")
    Path ledgerPath;

    @Option(names = "--create-rate", paramLabel = "N/WINDOW", defaultValue = "100/1h",
            description = "Client-side create budget per project, sliding: 100/1h (the API's limit, default), or"
                    + " none.")
    String createRate;

    @Option(names = "--max-active", paramLabel = "N", description = "Most jobs active at once (default: no bound).")
    Integer maxActive;

    @Option(names = "--creates-in-flight", paramLabel = "N",
            description = "Most creates on the wire at once, 1-" + FanOutOptions.MAX_CREATES_IN_FLIGHT + " (default: "
                    + FanOutOptions.DEFAULT_CREATES_IN_FLIGHT + "); also the most prompts a crash can leave in doubt.")
    Integer createsInFlight;

    @Option(names = "--retry-in-doubt",
            description = "Post the prompts in doubt again. A job may already exist for each: this may duplicate.")
    boolean retryInDoubt;

    @Option(names = "--status", description = "Print the ledger's counts per state and its in-doubt prompts;"
            + " send nothing.")
    boolean status;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    OutputOptions output;

    @Mixin
    SimulatorOptions simulatorOptions;

    @Mixin
    PollOptions poll;

    @Spec
    CommandLine.Model.CommandSpec spec;

    private final CliContext context;
    /** Counted down when the command is done with the ledger and its output: the shutdown hook waits for it. */
    private final CountDownLatch finished = new CountDownLatch(1);

    FanoutCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        try {
            return execute();
        } finally {
            finished.countDown();
        }
    }

    private int execute() {
        if (status) {
            return printStatus();
        }
        if (file == null) {
            throw new UsageException("FILE is required (or --status --ledger PATH)");
        }
        CreateRate rate = parseRate();
        if (maxActive != null && maxActive < 1) {
            throw new UsageException("--max-active must be at least 1, was " + maxActive);
        }
        // Checked before the ledger opens (nothing made on a bad flag), with FanOutOptions' own bound.
        if (createsInFlight != null && (createsInFlight < 1 || createsInFlight > FanOutOptions.MAX_CREATES_IN_FLIGHT)) {
            throw new UsageException("--creates-in-flight must be within 1-" + FanOutOptions.MAX_CREATES_IN_FLIGHT
                    + ", was " + createsInFlight);
        }
        PromptFile input = PromptFile.check(file);
        Path path = ledgerPath != null ? ledgerPath : defaultLedger(file, connection.simulate);
        // The lock first: a second run must not even open the ledger a first one is writing.
        try (LedgerLock lock = LedgerLock.acquire(path);
             SqliteJobLedger ledger = openLedger(path)) {
            return runAll(input, ledger, rate);
        } catch (LedgerException e) {
            throw refusal(e);
        }
    }

    private int runAll(PromptFile input, SqliteJobLedger ledger, CreateRate rate) {
        try (ClientSession session = ClientSession.open(context, connection, simulatorOptions);
             ResultFile results = out == null ? null : ResultFile.open(out, retryInDoubt)) {
            FanOutOptions.Builder options = FanOutOptions.builder().createRate(rate).retryInDoubt(retryInDoubt)
                    .pollPolicy(poll.toPolicy(session.simulated()));
            if (maxActive != null) {
                options.maxActive(maxActive);
            }
            if (createsInFlight != null) {
                options.createsInFlight(createsInFlight);
            }
            FanOut fanOut = FanOut.create(session.client(), ledger);
            if (retryInDoubt) {
                warnRetry(ledger);
            }
            if (results != null) {
                catchUp(fanOut, input.ids(), results);
            }
            FanOutRun run = fanOut.start(input.prompts(), options.build());
            boolean interrupted = follow(run, results);
            if (results != null) {
                results.sync();
            }
            Map<PromptState, Long> counts = countsOf(ledger, input.ids());
            FanoutProgressView.summary(context.err(), counts);
            listInDoubt(ledger, input.ids());
            if (interrupted) {
                context.err().println("interrupted: the ledger " + ledger.file() + " holds every prompt's state;"
                        + " resume with: " + resumeCommand());
                context.err().flush();
                return INTERRUPTED;
            }
            return exitCode(counts);
        }
    }

    /**
     * Consumes the run's results and progress on this thread until it ends or the process is asked to stop;
     * true when it was stopped. The shutdown hook only signals; this thread waits for the creates in flight to
     * be recorded, and the hook waits for this thread, so the ledger is flushed before the JVM ends.
     */
    private boolean follow(FanOutRun run, ResultFile results) {
        Sinks.Empty<Void> stop = Sinks.empty();
        AtomicBoolean interrupted = new AtomicBoolean();
        context.onShutdown(() -> {
            if (finished.getCount() == 0) {
                return;   // The process is ending after the command ended by itself: nothing to stop.
            }
            interrupted.set(true);
            stop.tryEmitEmpty();
            awaitFinished();
        });
        try (FanoutProgressView view = FanoutProgressView.create(context.err())) {
            // The bar follows the results: once they end, the summary from the ledger takes over.
            Sinks.Empty<Void> resultsEnded = Sinks.empty();
            Flux<Object> events = Flux.<Object>merge(
                            run.results().doFinally(signal -> resultsEnded.tryEmitEmpty()),
                            run.progress(view.period()).takeUntilOther(resultsEnded.asMono()))
                    .takeUntilOther(stop.asMono());
            // Not toStream(): its iterator hands items over under a lock the event loop would park on, which
            // BlockHound turns into a lost signal and a hang. CallWait's event loop only offers to a queue.
            // No deadline here: the run is as long as the create budget needs (hours), and every watch in it is
            // bounded by the poll policy's deadline.
            CallWait<Object> wait = new CallWait<>(events);
            for (Object e = nextOf(wait); e != null; e = nextOf(wait)) {
                if (e instanceof FanOutResult r) {
                    printResult(r, results);
                } else {
                    view.update((FanOutRun.Progress) e);
                }
            }
        }
        if (interrupted.get()) {
            // Creates already on the wire get their answer recorded before the ledger closes; one that is still
            // unanswered after the drain limit is left CREATING, which the next run reports as in doubt.
            Boolean idle = run.whenIdle().thenReturn(true).timeout(DRAIN_LIMIT, Mono.just(false)).block();
            if (!Boolean.TRUE.equals(idle)) {
                context.err().println("creates still unanswered after " + DRAIN_LIMIT.toSeconds() + " s were left"
                        + " in the ledger as sent; the next run reports them as in doubt");
            }
        }
        return interrupted.get();
    }

    private static Object nextOf(CallWait<Object> wait) {
        try {
            return wait.next(CallWait.NO_DEADLINE);
        } catch (CallWait.Expired cannotHappen) {
            throw new IllegalStateException("a wait without a deadline expired", cannotHappen);
        }
    }

    /**
     * In the shutdown hook: waits until this command has recorded what was in flight and printed how to resume.
     * In a real JVM shutdown (SIGINT, SIGTERM) it then ends the process with 130 for both signals alike; the
     * main thread cannot, since {@code System.exit} blocks while shutdown hooks run.
     */
    private void awaitFinished() {
        try {
            finished.await(DRAIN_LIMIT.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (jvmShuttingDown()) {
            Runtime.getRuntime().halt(INTERRUPTED);
        }
    }

    private static boolean jvmShuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shutdownInProgress) {
            return true;
        }
    }

    private void printResult(FanOutResult result, ResultFile results) {
        FanOutResult r = withoutSecrets(result);
        // JSON escapes control characters itself; a human line gets them shown, never obeyed by the terminal.
        context.out().println(output.json ? ResultFile.line(r) : TerminalText.escape(ResultFile.humanLine(r)));
        context.out().flush();
        if (results != null) {
            results.append(r);
        }
    }

    /** The result with every text that came from the server scrubbed of the keys this command used. */
    private FanOutResult withoutSecrets(FanOutResult r) {
        return new FanOutResult(r.customId(), context.redact(r.jobId()), r.state(), context.redact(r.prLink()),
                r.errorKind(), context.redact(r.message()), r.attemptedAt());
    }

    /** Writes the lines an earlier run settled but did not get to write (a crash between ledger and file). */
    private void catchUp(FanOut fanOut, Set<String> ids, ResultFile results) {
        List<FanOutResult> missing = fanOut.recorded()
                .filter(r -> ids.contains(r.customId()) && !results.has(r.customId()))
                .filter(r -> !(retryInDoubt && r.state() == PromptState.IN_DOUBT))
                .collectList().block(SCAN_LIMIT);
        missing.stream().map(this::withoutSecrets).forEach(results::append);
    }

    private void warnRetry(JobLedger ledger) {
        Map<PromptState, Long> counts = ledger.counts().block(SCAN_LIMIT);
        long n = counts.getOrDefault(PromptState.IN_DOUBT, 0L) + counts.getOrDefault(PromptState.CREATING, 0L);
        context.err().println("--retry-in-doubt: " + n + " prompt(s) in doubt will be posted again; a job may"
                + " already exist for each, so this may create duplicates");
        context.err().flush();
    }

    private int printStatus() {
        Path path = ledgerPath != null ? ledgerPath
                : file != null ? defaultLedger(file, connection.simulate) : null;
        if (path == null) {
            throw new UsageException("--status needs --ledger PATH (or FILE, whose ledger is FILE.ledger.db)");
        }
        if (!Files.exists(path)) {
            throw new UsageException("no ledger at " + path);
        }
        try (SqliteJobLedger ledger = openLedger(path)) {
            Map<PromptState, Long> counts = ledger.counts().block(SCAN_LIMIT);
            List<PromptSummary> inDoubt = ledger.summaries(EnumSet.of(PromptState.IN_DOUBT, PromptState.CREATING))
                    .collectList().block(SCAN_LIMIT);
            if (output.json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("ledger", path.toString());
                ObjectNode c = n.putObject("counts");
                counts.forEach((s, v) -> c.put(s.name().toLowerCase(Locale.ROOT), v));
                var list = n.putArray("in_doubt");
                inDoubt.forEach(r -> list.addObject().put("custom_id", r.customId())
                        .put("attempted_at", String.valueOf(r.attemptedAt()))
                        .put("error", context.redact(r.lastError())));
                context.out().println(n.toString());
            } else {
                context.out().println("ledger " + path);
                counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> context.out().printf(
                        "%-12s %7d%n", e.getKey().name().toLowerCase(Locale.ROOT), e.getValue()));
                for (PromptSummary r : inDoubt) {
                    context.out().println(TerminalText.escape("in doubt: " + r.customId() + "  create attempted "
                            + r.attemptedAt() + (r.lastError() == null ? "" : "  " + context.redact(r.lastError()))));
                }
            }
            context.out().flush();
            return ExitCodes.OK;
        } catch (LedgerException e) {
            throw refusal(e);
        }
    }

    private void listInDoubt(JobLedger ledger, Set<String> ids) {
        List<PromptSummary> inDoubt = ledger.summaries(EnumSet.of(PromptState.IN_DOUBT))
                .filter(r -> ids.contains(r.customId())).collectList().block(SCAN_LIMIT);
        if (inDoubt.isEmpty()) {
            return;
        }
        context.err().println(inDoubt.size() + " prompt(s) in doubt: a job may or may not exist for each; check"
                + " the project, then run again with --retry-in-doubt for those that have none:");
        for (PromptSummary r : inDoubt) {
            context.err().println(TerminalText.escape("  " + r.customId() + "  create attempted " + r.attemptedAt()));
        }
        context.err().flush();
    }

    /** Counts per state of the input's prompts, streamed from the ledger without their texts. */
    static Map<PromptState, Long> countsOf(JobLedger ledger, Set<String> ids) {
        return ledger.summaries(Set.of()).filter(r -> ids.contains(r.customId()))
                .reduce(new EnumMap<PromptState, Long>(PromptState.class), (counts, r) -> {
                    counts.merge(r.state(), 1L, Long::sum);
                    return counts;
                })
                .block(SCAN_LIMIT);
    }

    /** The code of the most urgent outcome: in doubt, then errors (or prompts left), then failures. */
    static int exitCode(Map<PromptState, Long> counts) {
        if (counts.getOrDefault(PromptState.IN_DOUBT, 0L) > 0) {
            return ExitCodes.OUTCOME_UNKNOWN;
        }
        long unfinished = Stream.of(PromptState.ERROR, PromptState.PENDING, PromptState.CREATING,
                PromptState.CREATED).mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        if (unfinished > 0) {
            return ExitCodes.API_ERROR;
        }
        long failed = Stream.of(PromptState.FAILED, PromptState.ARCHIVED, PromptState.REJECTED)
                .mapToLong(s -> counts.getOrDefault(s, 0L)).sum();
        return failed > 0 ? ExitCodes.JOB_FAILED : ExitCodes.OK;
    }

    private CreateRate parseRate() {
        try {
            return CreateRate.parse(createRate);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--create-rate: " + e.getMessage(), e);
        }
    }

    /** Beside FILE; a simulated run keeps its own, so a demo never marks real prompts done. */
    static Path defaultLedger(Path file, boolean simulated) {
        return file.resolveSibling(file.getFileName() + (simulated ? ".simulated.ledger.db" : ".ledger.db"));
    }

    private static SqliteJobLedger openLedger(Path path) {
        try {
            return SqliteJobLedger.open(path);
        } catch (LedgerException e) {
            throw refusal(e);
        }
    }

    /** A ledger refusing the file or the input is bad input (exit 2); a storage failure is not. */
    private static RuntimeException refusal(LedgerException e) {
        return switch (e.reason()) {
            case NOT_A_LEDGER, NEWER_VERSION, INPUT_CHANGED, LOCKED -> new UsageException(e.getMessage(), e);
            default -> e;
        };
    }

    private String resumeCommand() {
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        return "agentjobs " + args.stream()
                .map(a -> a.matches("[A-Za-z0-9_./:=@%+,-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }
}
