package dev.agentjobs.internal.http;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.internal.Breakers;
import dev.agentjobs.internal.Metrics;
import dev.agentjobs.internal.SchedulerClock;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * What the other packages of this library need from a client and users must not see: its scheduler, clock
 * and listener, a single-attempt GET for the poll loop, the state shared by everything built on the client
 * (one breaker registry, one of each per-project object), and hooks run when it starts closing.
 *
 * <p>Reached through {@link #of(AgentJobsClient)}, an accessor the client installs when its class is loaded
 * (the JDK's SharedSecrets pattern): the client keeps none of this as public API, yet the watch engine, the
 * fan-out and the gateway in other packages get it without reflection.
 *
 * <p>Close hooks are held only while they are registered: a watcher registers while it has a running poll
 * loop and removes its hook when its last loop stops, so a watcher per request is not kept alive by the
 * client it was built on.
 */
public final class ClientScope {

    private static volatile Function<AgentJobsClient, ClientScope> access;

    private final JobsTransport transport;
    private final Set<Hook> closeHooks = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<Class<?>, Object> shared = new ConcurrentHashMap<>();
    private volatile boolean closing;

    ClientScope(JobsTransport transport) {
        this.transport = transport;
    }

    /** Called once, by {@code AgentJobsClient}'s static initializer. */
    public static void install(Function<AgentJobsClient, ClientScope> accessor) {
        if (access != null) {
            throw new IllegalStateException("ClientScope accessor already installed");
        }
        access = Objects.requireNonNull(accessor, "accessor");
    }

    /** The scope of {@code client}. Holding an instance means its class, and so the accessor, is loaded. */
    public static ClientScope of(AgentJobsClient client) {
        return access.apply(Objects.requireNonNull(client, "client"));
    }

    /** Where the client's timers run: the injected scheduler, else its own event loop. */
    public Scheduler scheduler() {
        return transport.scheduler();
    }

    public Clock clock() {
        return transport.settings().clock();
    }

    public AgentJobsListener listener() {
        return transport.settings().listener();
    }

    /** The name of the breaker for this client's endpoint and project. */
    public String breakerName() {
        return transport.settings().baseUrl() + " " + transport.settings().projectId();
    }

    /** One GET, no retry: a watch's own schedule and breaker decide what happens after a failure. */
    public Mono<Job> getOnce(String jobId) {
        return transport.get(jobId, CallRetryPolicy.none());
    }

    /**
     * The client's breaker for its endpoint and project, from its one registry (default config, timed on the
     * client's scheduler): every watcher on this client polls through the same breaker.
     */
    public CircuitBreaker breaker() {
        return breakers().circuitBreaker(breakerName());
    }

    /** The client's one breaker registry, made on first use (and bound to the client's metrics, if any). */
    public CircuitBreakerRegistry breakers() {
        return shared(CircuitBreakerRegistry.class, () -> {
            CircuitBreakerRegistry registry =
                    CircuitBreakerRegistry.of(Breakers.defaultConfig(new SchedulerClock(scheduler())));
            transport.metrics().bindBreakers(registry);
            return registry;
        });
    }

    /** Where the watchers built on this client count polls, watches and events; {@link Metrics#NONE} if nowhere. */
    public Metrics metrics() {
        return transport.metrics();
    }

    /** The one instance of {@code type} for this client, made by {@code factory} on first use. */
    public <T> T shared(Class<T> type, Supplier<? extends T> factory) {
        return type.cast(shared.computeIfAbsent(type, t -> factory.get()));
    }

    /** How many shared objects exist; for tests. */
    public int sharedCount() {
        return shared.size();
    }

    /**
     * Runs {@code hook} when the client starts closing (at once if it has), unless the returned handle is
     * disposed first; disposing it drops the client's reference to the hook.
     */
    public Disposable onClose(Runnable hook) {
        Hook h = new Hook(hook);
        closeHooks.add(h);
        if (closing) {
            // Raced close(), or registered after it: the sweep may have missed this hook; run it here.
            h.run();
        }
        return h;
    }

    /** Hooks registered now; for tests and diagnostics. */
    public int closeHookCount() {
        return closeHooks.size();
    }

    /** The client starts closing: every hook runs once, on the closing thread. */
    void close() {
        closing = true;
        for (Hook h : closeHooks) {
            h.run();
        }
        if (shared.get(CircuitBreakerRegistry.class) instanceof CircuitBreakerRegistry registry) {
            // Resilience4j's Micrometer binding drops a breaker's meters when it leaves its registry: a later client
            // of the same endpoint and project on the same meter registry then shows its own breaker, not this
            // closed client's, frozen (Micrometer keeps the first meter registered under an id).
            registry.getAllCircuitBreakers().forEach(b -> registry.remove(b.getName()));
        }
    }

    /** A registered hook: runs at most once, and leaves the set when it runs or is disposed. */
    private final class Hook implements Disposable {
        private Runnable action;

        Hook(Runnable action) {
            this.action = action;
        }

        void run() {
            Runnable a;
            synchronized (this) {
                a = action;
                action = null;
            }
            closeHooks.remove(this);
            if (a != null) {
                a.run();
            }
        }

        @Override
        public void dispose() {
            synchronized (this) {
                action = null;
            }
            closeHooks.remove(this);
        }

        @Override
        public synchronized boolean isDisposed() {
            return action == null;
        }
    }
}
