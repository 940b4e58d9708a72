package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs CLI commands in-process with a made-up environment and captured output, and checks every captured
 * character for the API key (the test key, and the {@code mint_sim_} prefix of the keys {@code --simulate}
 * generates). Public, so that the behaviour families under {@code dev.agentjobs.hostile} can drive the CLI too.
 */
public final class CliHarness {

    public static final String KEY = "mint_cli_test_5ecr3t_d0_not_print";
    public static final String PROJECT = "cli-project";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliHarness() {
    }

    /** A simulator on loopback accepting {@link #KEY}, with short jobs and no rate limit. */
    public static AgentJobsSimulator simulator(Duration jobDuration) {
        return AgentJobsSimulator.builder().apiKey(KEY).durations(JobDurations.fixed(jobDuration))
                .createLimit(RateLimit.none()).messageLimit(RateLimit.none()).build().start();
    }

    /** The environment pointing at {@code sim} with the right key and project. */
    public static Map<String, String> env(AgentJobsSimulator sim) {
        Map<String, String> env = new HashMap<>();
        env.put(ConnectionOptions.ENV_API_KEY, KEY);
        env.put(ConnectionOptions.ENV_PROJECT, PROJECT);
        env.put(ConnectionOptions.ENV_BASE_URL, sim.baseUrl());
        return env;
    }

    /** {@code env} without {@code names}. */
    public static Map<String, String> without(Map<String, String> env, String... names) {
        Map<String, String> copy = new HashMap<>(env);
        for (String n : names) {
            copy.remove(n);
        }
        return copy;
    }

    public static Result run(Map<String, String> env, String... args) {
        return invocation(env).run(args);
    }

    public static Result run(Map<String, String> env, Consumer<Runnable> onShutdown, String... args) {
        Capture capture = new Capture(env, onShutdown);
        int code = Main.run(capture.context, args);
        return capture.result(code);
    }

    /** An invocation to shape (standard input, call limit) before running it. */
    public static Invocation invocation(Map<String, String> env) {
        return new Invocation(env);
    }

    /** One command line to run, here or on its own thread. */
    public static final class Invocation {
        private final Map<String, String> env;
        private InputStream in = InputStream.nullInputStream();
        private Duration callLimit = CliContext.CALL_LIMIT;

        private Invocation(Map<String, String> env) {
            this.env = env;
        }

        /** Standard input holds {@code bytes}. */
        public Invocation stdin(byte[] bytes) {
            in = new ByteArrayInputStream(bytes);
            return this;
        }

        /** The longest one call may take (5 minutes in the real CLI). */
        public Invocation callLimit(Duration value) {
            callLimit = value;
            return this;
        }

        public Result run(String... args) {
            Capture capture = new Capture(env, in, action -> { }, callLimit);
            return capture.result(Main.run(capture.context, args));
        }

        /** Starts the command on a thread of its own; its shutdown hook is kept for the test to call. */
        public Running start(String... args) {
            CompletableFuture<Runnable> hook = new CompletableFuture<>();
            Capture capture = new Capture(env, in, hook::complete, callLimit);
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    exit.complete(Main.run(capture.context, args));
                } catch (Throwable e) {
                    exit.completeExceptionally(e);
                }
            }, "cli-under-test");
            t.setDaemon(true);
            t.start();
            return new Running(capture, hook, exit);
        }
    }

    /** A command running on its own thread. */
    public static final class Running {
        private final Capture capture;
        private final CompletableFuture<Runnable> hook;
        private final CompletableFuture<Integer> exit;

        private Running(Capture capture, CompletableFuture<Runnable> hook, CompletableFuture<Integer> exit) {
            this.capture = capture;
            this.hook = hook;
            this.exit = exit;
        }

        /** The action the command registered to run when the process is stopped (what SIGINT/SIGTERM run). */
        public Runnable shutdownHook(Duration timeout) throws Exception {
            return hook.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Waits (bounded) until standard output, as printed so far, satisfies {@code condition}. */
        public void awaitOut(Predicate<String> condition, Duration timeout) throws InterruptedException {
            capture.out.await(condition, timeout);
        }

        /** The result, once the command returned within {@code timeout}; fails the test otherwise. */
        public Result await(Duration timeout) throws InterruptedException, ExecutionException {
            try {
                return capture.result(exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                throw new AssertionError("the command did not end within " + timeout + "; stdout="
                        + capture.out + " stderr=" + capture.err, e);
            }
        }
    }

    /** Output streams and a context over them, for a command run on another thread. */
    static final class Capture {
        final SignallingWriter out = new SignallingWriter();
        final StringWriter err = new StringWriter();
        final CliContext context;

        Capture(Map<String, String> env, Consumer<Runnable> onShutdown) {
            this(env, InputStream.nullInputStream(), onShutdown, CliContext.CALL_LIMIT);
        }

        Capture(Map<String, String> env, InputStream in, Consumer<Runnable> onShutdown, Duration callLimit) {
            context = new CliContext(env, in, new PrintWriter(out, true), new PrintWriter(err, true), onShutdown,
                    callLimit);
        }

        Result result(int code) {
            Result r = new Result(code, out.toString(), err.toString());
            assertThat(r.out() + r.err()).as("captured output must not hold an API key")
                    .doesNotContain(KEY).doesNotContain("mint_sim_");
            return r;
        }
    }

    /** A {@link StringWriter} that wakes waiters on every flush (the CLI flushes each line it prints). */
    static final class SignallingWriter extends StringWriter {
        @Override
        public void flush() {
            synchronized (this) {
                notifyAll();
            }
        }

        synchronized void await(Predicate<String> condition, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (!condition.test(toString())) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    throw new AssertionError("stdout never matched within " + timeout + ": " + this);
                }
                wait(left);
            }
        }
    }

    public record Result(int exitCode, String out, String err) {
        public List<String> outLines() {
            return out.lines().toList();
        }

        public List<String> errLines() {
            return err.lines().toList();
        }

        /** The one JSON object of {@code stdout}. */
        public JsonNode json() {
            assertThat(outLines()).hasSize(1);
            return parse(outLines().get(0));
        }

        public List<JsonNode> jsonLines() {
            return outLines().stream().map(CliHarness::parse).toList();
        }

        /** Asserts the exit code and, for a failure, exactly one {@code agentjobs: } line on stderr. */
        public Result assertExit(int expected) {
            assertThat(exitCode).as("exit code; stdout=%s stderr=%s", out, err).isEqualTo(expected);
            if (expected >= ExitCodes.USAGE) {
                assertThat(errLines()).as("stderr").hasSize(1);
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
