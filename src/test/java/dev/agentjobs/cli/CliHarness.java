package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs CLI commands in-process with a made-up environment and captured output, and checks every captured
 * character for the API key (the test key, and the {@code mint_sim_} prefix of the keys {@code --simulate}
 * generates).
 */
final class CliHarness {

    static final String KEY = "mint_cli_test_5ecr3t_d0_not_print";
    static final String PROJECT = "cli-project";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliHarness() {
    }

    /** A simulator on loopback accepting {@link #KEY}, with short jobs and no rate limit. */
    static AgentJobsSimulator simulator(Duration jobDuration) {
        return AgentJobsSimulator.builder().apiKey(KEY).durations(JobDurations.fixed(jobDuration))
                .createLimit(RateLimit.none()).messageLimit(RateLimit.none()).build().start();
    }

    /** The environment pointing at {@code sim} with the right key and project. */
    static Map<String, String> env(AgentJobsSimulator sim) {
        Map<String, String> env = new HashMap<>();
        env.put(ConnectionOptions.ENV_API_KEY, KEY);
        env.put(ConnectionOptions.ENV_PROJECT, PROJECT);
        env.put(ConnectionOptions.ENV_BASE_URL, sim.baseUrl());
        return env;
    }

    /** {@code env} without {@code names}. */
    static Map<String, String> without(Map<String, String> env, String... names) {
        Map<String, String> copy = new HashMap<>(env);
        for (String n : names) {
            copy.remove(n);
        }
        return copy;
    }

    static Result run(Map<String, String> env, String... args) {
        return run(env, action -> { }, args);
    }

    static Result run(Map<String, String> env, Consumer<Runnable> onShutdown, String... args) {
        Capture capture = new Capture(env, onShutdown);
        int code = Main.run(capture.context, args);
        return capture.result(code);
    }

    /** Output streams and a context over them, for a command run on another thread. */
    static final class Capture {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CliContext context;

        Capture(Map<String, String> env, Consumer<Runnable> onShutdown) {
            context = new CliContext(env, new PrintWriter(out, true), new PrintWriter(err, true), onShutdown);
        }

        Result result(int code) {
            Result r = new Result(code, out.toString(), err.toString());
            assertThat(r.out() + r.err()).as("captured output must not hold an API key")
                    .doesNotContain(KEY).doesNotContain("mint_sim_");
            return r;
        }
    }

    record Result(int exitCode, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }

        /** The one JSON object of {@code stdout}. */
        JsonNode json() {
            assertThat(outLines()).hasSize(1);
            return parse(outLines().get(0));
        }

        List<JsonNode> jsonLines() {
            return outLines().stream().map(CliHarness::parse).toList();
        }

        /** Asserts the exit code and, for a failure, exactly one {@code agentjobs: } line on stderr. */
        Result assertExit(int expected) {
            assertThat(exitCode).as("exit code; stdout=%s stderr=%s", out, err).isEqualTo(expected);
            if (expected >= ExitCodes.USAGE) {
                assertThat(errLines()).hasSize(1);
                assertThat(errLines().get(0)).startsWith("agentjobs: ");
            } else {
                assertThat(err).isEmpty();
            }
            return this;
        }
    }

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
