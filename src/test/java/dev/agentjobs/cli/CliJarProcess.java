package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.fanout.PromptState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.sqlite.SQLiteConfig;

/**
 * The packaged CLI jar ({@code target/agentjobs-cli.jar}, named by the {@code agentjobs.cliJar} system property
 * that the pom passes to Failsafe) started as a real process, for the integration tests that kill it. Each
 * process writes its standard output and error to files in the test's directory (never a pipe that could fill
 * up), and the tests end only the processes started here, by their handle.
 */
final class CliJarProcess {

    private static final Duration POLL_STEP = Duration.ofMillis(20);

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final long startedNanos = System.nanoTime();

    private CliJarProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** The jar this build packaged; fails the test with the reason when the property or the file is missing. */
    static Path jar() {
        String property = System.getProperty("agentjobs.cliJar");
        assertThat(property).as("system property agentjobs.cliJar (set by the pom for Failsafe)").isNotBlank();
        Path jar = Path.of(property);
        assertThat(jar).as("the CLI jar packaged by this build").isRegularFile();
        return jar;
    }

    /**
     * Starts {@code java -jar agentjobs-cli.jar args} in {@code dir} with {@code env} added to a copy of this
     * process's environment (the base-URL variable removed, so only the command line names the server).
     */
    static CliJarProcess start(Path dir, String name, Map<String, String> env, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-jar", jar().toString()));
        command.addAll(args);
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove(ConnectionOptions.ENV_BASE_URL);
        pb.environment().putAll(env);
        return new CliJarProcess(pb.start(), out, err);
    }

    /** Runs the command to its end (at most {@code limit}) and returns its exit code. */
    static int run(Path dir, String name, Map<String, String> env, List<String> args, Duration limit)
            throws IOException {
        CliJarProcess p = start(dir, name, env, args);
        return p.awaitExit(limit);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /**
     * Waits until {@code condition} holds or this process ends, checking every 20 ms, at most {@code limit};
     * true when the condition held. The wait between checks is {@link Process#waitFor(long, TimeUnit)}, which
     * returns at once if the process ends.
     */
    boolean awaitWhileAlive(BooleanSupplier condition, Duration limit) {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (waitForExit(POLL_STEP)) {
                return condition.getAsBoolean();
            }
        }
        return condition.getAsBoolean();
    }

    /** Waits at most {@code limit} for the process to end; true when it has. */
    boolean waitForExit(Duration limit) {
        try {
            return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for pid " + process.pid(), e);
        }
    }

    /** Its exit code, waiting at most {@code limit}; kills it (SIGKILL) and fails the test past the limit. */
    int awaitExit(Duration limit) {
        if (!waitForExit(limit)) {
            process.destroyForcibly();
            waitForExit(Duration.ofSeconds(10));
            throw new AssertionError("pid " + process.pid() + " did not end within " + limit + "; stderr:\n"
                    + err());
        }
        return process.exitValue();
    }

    /** SIGKILL on Linux (no shutdown hook runs), then waits for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        assertThat(waitForExit(Duration.ofSeconds(10))).as("pid %d gone after SIGKILL", process.pid()).isTrue();
    }

    /** SIGTERM on Linux: the JVM runs its shutdown hooks. */
    void terminate() {
        process.destroy();
    }

    String out() {
        return read(stdout);
    }

    String err() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /**
     * The ledger's prompts per state, read through a read-only connection (a WAL reader never blocks the
     * process writing it); empty while the file does not exist yet or is being recovered.
     */
    static Map<PromptState, Long> ledgerCounts(Path ledger) {
        Map<PromptState, Long> counts = new EnumMap<>(PromptState.class);
        if (!Files.exists(ledger)) {
            return counts;
        }
        try (Connection c = readOnly(ledger); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, count(*) FROM prompts GROUP BY state")) {
            while (rs.next()) {
                counts.put(PromptState.valueOf(rs.getString(1)), rs.getLong(2));
            }
        } catch (SQLException e) {
            // Not created yet, or busy while a starting run recovers the WAL: no count this time.
            counts.clear();
        }
        return counts;
    }

    /** Each prompt's state and job id ({@code custom_id -> [state, job_id]}), read-only. */
    static Map<String, String[]> ledgerRows(Path ledger) throws SQLException {
        Map<String, String[]> rows = new HashMap<>();
        try (Connection c = readOnly(ledger); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT custom_id, state, job_id FROM prompts")) {
            while (rs.next()) {
                rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
            }
        }
        return rows;
    }

    private static Connection readOnly(Path ledger) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setReadOnly(true);
        config.setBusyTimeout(2000);
        return config.createConnection("jdbc:sqlite:" + ledger);
    }
}
