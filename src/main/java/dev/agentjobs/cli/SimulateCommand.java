package dev.agentjobs.cli;

import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code agentjobs simulate}: serves a fake agent-jobs API on loopback until the process is stopped
 * (SIGINT/SIGTERM close it cleanly). The first line on standard output is its URL, so a script can read it:
 *
 * <pre>{@code
 * agentjobs simulate --port 8080 --api-key mint_test --duration 1s..5s --fail-ratio 0.1 &
 * MINTLIFY_API_KEY=mint_test MINTLIFY_PROJECT_ID=p AGENTJOBS_BASE_URL=http://127.0.0.1:8080 agentjobs run "Fix it"
 * }</pre>
 *
 * <p>{@code --api-key} is the one flag that takes a key: the key a fake server accepts is not a secret.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Serve a simulated agent-jobs API until stopped; prints its URL first.")
final class SimulateCommand implements Callable<Integer> {

    static final String ENV_SIM_KEY = "AGENTJOBS_SIM_API_KEY";
    private static final JobDurations DEFAULT_DURATIONS = JobDurations.fixed(Duration.ofSeconds(2));

    @Option(names = "--port", paramLabel = "P", description = "Port on 127.0.0.1 (default 0: any free port).")
    int port;

    @Option(names = "--api-key", paramLabel = "K",
            description = "The key clients must send (default: $" + ENV_SIM_KEY + ", else $"
                    + ConnectionOptions.ENV_API_KEY + ").")
    String apiKey;

    @Option(names = "--api-key-file", paramLabel = "FILE", description = "Read the accepted key from FILE.")
    Path apiKeyFile;

    @Option(names = "--project", paramLabel = "ID", description = "Accept only this project (default: any).")
    String project;

    @Option(names = "--verbose", description = "On error, also print the stack trace.")
    boolean verbose;

    @Mixin
    SimulatorOptions options;

    private final CliContext context;

    SimulateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        AgentJobsSimulator.Builder builder = AgentJobsSimulator.builder();
        try {
            builder.port(port).apiKey(acceptedKey());
            if (project != null) {
                builder.projects(Set.of(project));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        AgentJobsSimulator simulator = options.applyTo(builder, DEFAULT_DURATIONS).build();
        CountDownLatch stopped = new CountDownLatch(1);
        try {
            simulator.start();
            context.out().println(simulator.baseUrl());
            context.out().println("simulating " + (project == null ? "any project" : "project " + project)
                    + "; stats at " + simulator.baseUrl() + "/_sim/stats; stop with Ctrl-C");
            context.out().flush();
            context.onShutdown(() -> {
                simulator.close();
                stopped.countDown();
            });
            stopped.await();
        } finally {
            simulator.close();
        }
        return ExitCodes.OK;
    }

    private String acceptedKey() {
        if (apiKey != null) {
            return apiKey.strip();
        }
        if (apiKeyFile != null) {
            // Read like a client's key: bounded (no /dev/zero filling the heap), and a valid header value.
            return ClientSession.keyFromFile(apiKeyFile).reveal();
        }
        String fromEnv = context.env(ENV_SIM_KEY) != null ? context.env(ENV_SIM_KEY)
                : context.env(ConnectionOptions.ENV_API_KEY);
        if (fromEnv == null) {
            throw new UsageException("no key for the simulator to accept: pass --api-key K or --api-key-file FILE,"
                    + " or set " + ENV_SIM_KEY);
        }
        return fromEnv.strip();
    }
}
