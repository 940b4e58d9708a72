package dev.agentjobs.cli;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The client a command talks through, resolved from flags and environment, and under {@code --simulate} the
 * embedded simulator it talks to. Every check here runs before anything is sent, so its failures are usage
 * errors (exit 2). Closing frees the client, then the simulator.
 */
final class ClientSession implements AutoCloseable {

    /** Jobs of the embedded simulator: long enough to watch a transition, short enough for a demo. */
    static final JobDurations EMBEDDED_DURATIONS = JobDurations.uniform(Duration.ofSeconds(1), Duration.ofSeconds(3));
    static final String EMBEDDED_PROJECT = "simulated-project";

    private final AgentJobsSimulator simulator;
    private final AgentJobsClient client;

    private ClientSession(AgentJobsSimulator simulator, AgentJobsClient client) {
        this.simulator = simulator;
        this.client = client;
    }

    /**
     * Resolves the configuration and opens the client (starting the embedded simulator first when asked).
     *
     * @throws UsageException when the key, project or base URL is missing or wrong, or flags conflict
     */
    static ClientSession open(CliContext context, ConnectionOptions conn, SimulatorOptions sim) {
        if (conn.simulate) {
            return simulated(context, conn, sim);
        }
        if (sim.anySet()) {
            throw new UsageException("--duration, --fail-ratio, --fault-ratio, --create-limit and --seed"
                    + " only apply with --simulate");
        }
        ApiKey key = resolveKey(context, conn);
        String project = conn.project != null ? conn.project
                : Arguments.decoded(ConnectionOptions.ENV_PROJECT, context.env(ConnectionOptions.ENV_PROJECT));
        if (project == null) {
            throw new UsageException("no project: set " + ConnectionOptions.ENV_PROJECT + " or pass --project ID");
        }
        AgentJobsClient.Builder builder = AgentJobsClient.builder().apiKey(key);
        if (conn.baseUrl != null) {
            builder.baseUrl(BaseUrlArgument.parse("--base-url", conn.baseUrl));
        } else if (context.env(ConnectionOptions.ENV_BASE_URL) != null) {
            String fromEnv = Arguments.decoded(ConnectionOptions.ENV_BASE_URL,
                    context.env(ConnectionOptions.ENV_BASE_URL));
            builder.baseUrl(BaseUrlArgument.parse(ConnectionOptions.ENV_BASE_URL, fromEnv));
        }
        try {
            builder.projectId(project);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        return new ClientSession(null, builder.build());
    }

    private static ClientSession simulated(CliContext context, ConnectionOptions conn, SimulatorOptions opts) {
        if (conn.baseUrl != null || conn.apiKeyFile != null) {
            throw new UsageException("--simulate uses its own simulator: drop --base-url and --api-key-file");
        }
        String project = conn.project != null ? conn.project : EMBEDDED_PROJECT;
        // A fresh random key per run: nothing to configure, and nothing another process could guess.
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        ApiKey key = ApiKey.of("mint_sim_" + HexFormat.of().formatHex(bytes));
        context.registerSecret(key);
        AgentJobsClient.Builder builder = AgentJobsClient.builder().apiKey(key);
        try {
            builder.projectId(project);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage(), e);
        }
        AgentJobsSimulator simulator = opts.applyTo(AgentJobsSimulator.builder().apiKey(key.reveal()),
                EMBEDDED_DURATIONS).build().start();
        try {
            return new ClientSession(simulator, builder.baseUrl(simulator.url()).build());
        } catch (RuntimeException e) {
            simulator.close();
            throw e;
        }
    }

    private static ApiKey resolveKey(CliContext context, ConnectionOptions conn) {
        ApiKey key;
        if (conn.apiKeyFile != null) {
            key = keyFromFile(conn.apiKeyFile);
        } else {
            String value = context.env(ConnectionOptions.ENV_API_KEY);
            if (value == null) {
                throw new UsageException("no API key: set " + ConnectionOptions.ENV_API_KEY
                        + " or pass --api-key-file FILE");
            }
            try {
                key = ApiKey.of(value);
            } catch (IllegalArgumentException e) {
                throw new UsageException(ConnectionOptions.ENV_API_KEY + ": " + e.getMessage(), e);
            }
        }
        context.registerSecret(key);
        return key;
    }

    /** Reads a key file, bounded in size ({@link ApiKey#MAX_FILE_BYTES}); every failure is a usage error. */
    static ApiKey keyFromFile(Path file) {
        try {
            return ApiKey.fromFile(file);
        } catch (UncheckedIOException e) {
            throw new UsageException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // ApiKey's message never holds the key, only what is wrong with it.
            throw new UsageException("API key file " + file + ": " + e.getMessage(), e);
        }
    }

    AgentJobsClient client() {
        return client;
    }

    /** Whether the calls go to the embedded simulator. */
    boolean simulated() {
        return simulator != null;
    }

    /**
     * A watcher over this session's client (its polls run on the client's event loop), planning with the model
     * of {@code --model-file} if one was given.
     */
    JobWatcher watcher(PollPolicy policy, ModelFileOption modelFile) {
        return modelFile.apply(JobWatcher.builder(client).policy(policy)).build();
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            if (simulator != null) {
                simulator.close();
            }
        }
    }
}
