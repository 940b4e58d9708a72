package dev.agentjobs.internal;

import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.JobEvent;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * {@link Metrics} recorded into a Micrometer registry, one instance per client, every meter tagged with the client's
 * project; the gauges add up the clients of one project ({@link SummedGauges}). Names follow Micrometer's conventions (dotted, lower case, base units: timers in seconds); the tag values
 * are small fixed sets, never a job id. Meters are looked up once per tag combination and kept, so a report is a
 * map read and an increment. The breaker's state comes from Resilience4j's own binding
 * ({@code resilience4j.circuitbreaker.*}), not from here.
 */
final class MicrometerMetrics implements Metrics {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Map<String, Timer> requests = new ConcurrentHashMap<>();
    private final Map<String, Counter> deferred = new ConcurrentHashMap<>();
    private final Map<JobEvent.Kind, Map<String, Counter>> transitions = new ConcurrentHashMap<>();
    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final Counter polls;
    private final AtomicInteger watches = new AtomicInteger();
    private final AtomicInteger subscribers = new AtomicInteger();
    /** Breaker registries already bound; weak, so a registry this client no longer uses can go. */
    private final Set<CircuitBreakerRegistry> boundBreakers =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
    /** Takes this client's values out of the summed gauges when it closes. */
    private final List<Runnable> gauges = new CopyOnWriteArrayList<>();

    private MicrometerMetrics(MeterRegistry registry, String projectId) {
        this.registry = registry;
        this.tags = Tags.of("project", projectId);
        this.polls = Counter.builder("agentjobs.polls").description("GETs sent by watches (answered or failed)")
                .tags(tags).register(registry);
        gauge("agentjobs.watches.active", "jobs with a running poll loop", watches::get);
        gauge("agentjobs.watches.subscribers", "subscribers of the running poll loops", subscribers::get);
    }

    /** Resilience4j's own binding of breaker state, which {@link #bindBreakers} needs. */
    static final String BREAKER_BINDING = "io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics";

    /**
     * Called through {@link Metrics#micrometer}; {@code meterRegistry} must be a {@link MeterRegistry}. Fails here,
     * at the client's build, when Resilience4j's Micrometer binding is missing, rather than with a
     * {@code NoClassDefFoundError} at the first watcher (an app with micrometer-core from its framework and no
     * resilience4j-micrometer).
     */
    static Metrics create(Object meterRegistry, String projectId) {
        if (!(meterRegistry instanceof MeterRegistry r)) {
            throw new IllegalArgumentException("not a Micrometer MeterRegistry: " + meterRegistry.getClass().getName());
        }
        requireOnClassPath(BREAKER_BINDING);
        return new MicrometerMetrics(r, projectId);
    }

    static void requireOnClassPath(String className) {
        try {
            Class.forName(className, false, MicrometerMetrics.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("a meter registry was given, but " + className + " is missing: add"
                    + " io.github.resilience4j:resilience4j-micrometer (the version of resilience4j-circuitbreaker)"
                    + " beside micrometer-core; agentjobs reports its breakers' state through it", e);
        }
    }

    @Override
    public void bindLimiter(IntSupplier inFlight, IntSupplier queued) {
        gauge("agentjobs.requests.active", "requests holding one of the client's maxConnections slots", inFlight);
        gauge("agentjobs.requests.queued", "requests waiting in the client's queue for a slot", queued);
    }

    /**
     * Binds once per breaker registry: each binding subscribes to the registry's events, so a watcher made per
     * request on a client whose watchers share one registry would otherwise add a subscriber per request.
     */
    @Override
    public void bindBreakers(CircuitBreakerRegistry breakers) {
        if (boundBreakers.add(breakers)) {
            TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        }
    }

    @Override
    public void requestEnded(ApiCall call, String outcome, long nanos) {
        requests.computeIfAbsent(call.name() + ' ' + outcome, k -> Timer.builder("agentjobs.requests")
                        .description("one attempt of an API call, by call kind and outcome")
                        .tags(tags).tag("call", call.name().toLowerCase(Locale.ROOT)).tag("outcome", outcome)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void pollSent() {
        polls.increment();
    }

    @Override
    public void pollDeferred(Throwable cause) {
        deferred.computeIfAbsent(Metrics.reasonOf(cause), reason -> Counter.builder("agentjobs.polls.deferred")
                .description("polls put off, by reason").tags(tags).tag("reason", reason).register(registry))
                .increment();
    }

    @Override
    public void watchesChanged(int delta) {
        watches.addAndGet(delta);
    }

    @Override
    public void subscribersChanged(int delta) {
        subscribers.addAndGet(delta);
    }

    @Override
    public void event(JobEvent event) {
        String status = event.status().name().toLowerCase(Locale.ROOT);
        transitions.computeIfAbsent(event.kind(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, s -> Counter.builder("agentjobs.transitions")
                        .description("events of watched jobs, by kind and the status they tell")
                        .tags(tags).tag("kind", event.kind().name().toLowerCase(Locale.ROOT)).tag("status", s)
                        .register(registry))
                .increment();
        if (event.kind() == JobEvent.Kind.TERMINAL && event.job().createdAt() != null) {
            Duration lifetime = Duration.between(event.job().createdAt(), event.at());
            if (!lifetime.isNegative()) {
                durations.computeIfAbsent(status, s -> Timer.builder("agentjobs.jobs.duration")
                                .description("from a job's createdAt to the watch seeing it end, by terminal status")
                                .tags(tags).tag("status", s).register(registry))
                        .record(lifetime);
            }
        }
    }

    @Override
    public void close() {
        gauges.forEach(Runnable::run);
        gauges.clear();
    }

    /** A gauge summing this client's value with those of the other clients of its project on the registry. */
    private void gauge(String name, String description, IntSupplier value) {
        gauges.add(SummedGauges.add(registry, name, description, tags, value));
    }
}
