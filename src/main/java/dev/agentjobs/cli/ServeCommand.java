package dev.agentjobs.cli;

import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.LedgerException;
import dev.agentjobs.fanout.LedgerLock;
import dev.agentjobs.fanout.SqliteJobLedger;
import dev.agentjobs.gateway.Gateway;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agentjobs serve}: runs the SSE gateway and its dashboard until the process is stopped. The first line on
 * standard output is the dashboard's URL:
 *
 * <pre>{@code
 * agentjobs serve --simulate                          # a demo: embedded simulator, no key, loopback only
 * agentjobs serve --bind 0.0.0.0 --token-file tokens.txt --ledger gateway.db
 * curl -N -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/events
 * }</pre>
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the SSE gateway and the dashboard until stopped; prints the URL first.",
            "Clients follow jobs over text/event-stream; the API key stays in this process."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
            description = "Port to listen on (default 8080; 0 picks a free one).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on (default 127.0.0.1). Any other than loopback needs --token-file.")
    String bind;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Tokens clients may present (Authorization: Bearer, or the dashboard's login), one a line;"
                    + " at least 16 characters each. Without it, no authentication (loopback only).")
    Path tokenFile;

    @Option(names = "--ledger", paramLabel = "PATH",
            description = "Record the jobs created or looked up here in a SQLite ledger at PATH: after a restart"
                    + " they are listed again and the unfinished ones watched again. Without it the gateway is"
                    + " in-memory. The ledger is locked while serving: a fanout or a second serve on it is refused.")
    Path ledgerFile;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN",
            description = "Allow cross-origin calls from ORIGIN (scheme://host[:port]); repeatable. None by default.")
    List<String> allowedOrigins = new ArrayList<>();

    @Option(names = "--verbose", description = "On error, also print the stack trace.")
    boolean verbose;

    @Mixin
    ConnectionOptions connection;

    @Mixin
    SimulatorOptions simulatorOptions;

    @Mixin
    PollOptions poll;

    private final CliContext context;

    /**
     * The ledger the command opened and its {@link LedgerLock}, taken first and released last (try-with-resources
     * closes in reverse order, after the gateway): a second gateway or a fan-out on the same file would mark this
     * gateway's creates still on the wire {@code IN_DOUBT} when it starts, so it is refused instead.
     */
    private record LedgerHandle(LedgerLock lock, JobLedger ledger) implements AutoCloseable {
        static LedgerHandle open(Path file) {
            if (file == null) {
                return new LedgerHandle(null, null);
            }
            LedgerLock lock = null;
            try {
                lock = LedgerLock.acquire(file);
                return new LedgerHandle(lock, SqliteJobLedger.open(file));
            } catch (RuntimeException e) {
                if (lock != null) {
                    lock.close();
                }
                throw e instanceof LedgerException le
                        ? new UsageException("--ledger " + file + ": " + le.getMessage(), le) : e;
            }
        }

        @Override
        public void close() {
            try {
                if (ledger != null) {
                    ledger.close();
                }
            } finally {
                if (lock != null) {
                    lock.close();
                }
            }
        }
    }

    ServeCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        try (ClientSession session = ClientSession.open(context, connection, simulatorOptions);
             LedgerHandle ledger = LedgerHandle.open(ledgerFile)) {
            Gateway gateway = start(session, ledger.ledger());
            CountDownLatch stopped = new CountDownLatch(1);
            try {
                context.out().println(gateway.url());
                context.out().println("serving " + (session.simulated() ? "a simulated API (demo, no key)"
                        : "the agent-jobs API") + (tokenFile == null ? "; no tokens: open to this machine only"
                        : "; clients authenticate with the tokens of " + tokenFile)
                        + (ledgerFile == null ? "; in-memory" : "; ledger " + ledgerFile) + "; stop with Ctrl-C");
                context.out().flush();
                context.onShutdown(() -> {
                    gateway.close();
                    stopped.countDown();
                });
                stopped.await();
            } finally {
                gateway.close();
            }
        }
        return ExitCodes.OK;
    }

    private Gateway start(ClientSession session, JobLedger ledger) {
        Gateway.Builder b = Gateway.builder(session.client());
        if (ledger != null) {
            b.ledger(ledger);
        }
        try {
            b.host(bind).port(port).pollPolicy(poll.toPolicy(session.simulated())).allowedOrigins(allowedOrigins);
            if (tokenFile != null) {
                b.tokenFile(tokenFile);
            }
            return b.start();
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (RuntimeException e) {
            // Reactor Netty's bind failure: the port is taken or the address is not this machine's.
            throw new UsageException("cannot listen on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }
}
