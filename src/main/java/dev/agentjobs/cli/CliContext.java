package dev.agentjobs.cli;

import dev.agentjobs.api.ApiKey;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * What a command may touch outside itself: the environment, the two output streams, and a way to run code when
 * the process is asked to stop. Injected (instead of read from {@code System}) so that tests run commands
 * in-process with a made-up environment and captured output.
 *
 * <p>It also remembers every API key a command resolved, so that {@link #redact} can scrub it from any text
 * that is about to be printed: a second line of defence behind the library, which never puts the key in a
 * message in the first place.
 */
final class CliContext {

    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Consumer<Runnable> onShutdown;
    private final Set<ApiKey> secrets = new CopyOnWriteArraySet<>();

    /**
     * @param env        the environment variables the commands read
     * @param out        standard output (results)
     * @param err        standard error (one line per error)
     * @param onShutdown registers an action to run when the process is stopped (SIGINT/SIGTERM)
     */
    CliContext(Map<String, String> env, PrintWriter out, PrintWriter err, Consumer<Runnable> onShutdown) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.onShutdown = Objects.requireNonNull(onShutdown, "onShutdown");
    }

    /** The real process: its environment, {@code System.out}/{@code System.err}, JVM shutdown hooks. */
    static CliContext system() {
        return new CliContext(System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                action -> Runtime.getRuntime().addShutdownHook(new Thread(action, "agentjobs-shutdown")));
    }

    /** The value of an environment variable, or {@code null} when it is unset or blank. */
    String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
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
