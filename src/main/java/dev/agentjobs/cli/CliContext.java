package dev.agentjobs.cli;

import dev.agentjobs.api.ApiKey;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * What a command may touch outside itself: the environment, standard input, the two output streams, a way to run
 * code when the process is asked to stop, and how long one call may take. Injected (instead of read from
 * {@code System}) so that tests run commands in-process with a made-up environment and captured output.
 *
 * <p>It also remembers every API key a command resolved, so that {@link #redact} can scrub it from any text
 * that is about to be printed: a second line of defence behind the library, which never puts the key in a
 * message in the first place.
 */
final class CliContext {

    /** Bound on one call (and on a create or message inside a watch); the client's own timeouts end most sooner. */
    static final Duration CALL_LIMIT = Duration.ofMinutes(5);

    private final Map<String, String> env;
    private final InputStream in;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Consumer<Runnable> onShutdown;
    private final Duration callLimit;
    private final Set<ApiKey> secrets = new CopyOnWriteArraySet<>();

    /**
     * @param env        the environment variables the commands read
     * @param out        standard output (results)
     * @param err        standard error (one line per error)
     * @param onShutdown registers an action to run when the process is stopped (SIGINT/SIGTERM)
     */
    CliContext(Map<String, String> env, PrintWriter out, PrintWriter err, Consumer<Runnable> onShutdown) {
        this(env, InputStream.nullInputStream(), out, err, onShutdown, CALL_LIMIT);
    }

    /**
     * @param in        standard input ({@code --prompt-file -})
     * @param callLimit the longest a command waits for one call's answer
     */
    CliContext(Map<String, String> env, InputStream in, PrintWriter out, PrintWriter err,
               Consumer<Runnable> onShutdown, Duration callLimit) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
        this.callLimit = Objects.requireNonNull(callLimit, "callLimit");
    }

    /** The real process: its environment, standard streams, JVM shutdown hooks, {@link #CALL_LIMIT}. */
    static CliContext system() {
        return new CliContext(System.getenv(), System.in, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                action -> Runtime.getRuntime().addShutdownHook(new Thread(action, "agentjobs-shutdown")), CALL_LIMIT);
    }

    /** The value of an environment variable, or {@code null} when it is unset or blank. */
    String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }

    InputStream in() {
        return in;
    }

    /** The longest a command waits for one call (a create, a get, a message) to answer. */
    Duration callLimit() {
        return callLimit;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /** Runs {@code action} when the process is asked to stop. */
    void onShutdown(Runnable action) {
        onShutdown.accept(Objects.requireNonNull(action, "action"));
    }

    /** Remembers a key so that {@link #redact} removes it from printed text. */
    void registerSecret(ApiKey key) {
        secrets.add(Objects.requireNonNull(key, "key"));
    }

    /** {@code text} with every key this context has seen replaced by {@code [REDACTED]}. */
    String redact(String text) {
        String t = text;
        for (ApiKey key : secrets) {
            t = key.redactFrom(t);
        }
        return t;
    }
}
