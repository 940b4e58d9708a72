package dev.agentjobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.internal.http.ClientScope;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import dev.agentjobs.simulator.SimulatedResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters, read from a {@link SimpleMeterRegistry} after real loopback traffic against the simulator. */
class MicrometerMetricsTest {

    private static final String KEY = "mint_metrics_secret_c4d2";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private AgentJobsSimulator sim;
    private AgentJobsClient client;

    @BeforeEach
    void start() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).durations(JobDurations.fixed(Duration.ofMillis(400)))
                .createLimit(RateLimit.none()).build().start();
        client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("proj-m").apiKey(ApiKey.of(KEY))
                .meterRegistry(registry).build();
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    private double requests(String call, String outcome) {
        return registry.get("agentjobs.requests").tags("call", call, "outcome", outcome).timer().count();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void requestsPollsEventsAndBreakers_areCountedByKindOutcomeAndReason() {
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();
        sim.enqueue(CallKind.CREATE, SimulatedResponse.respond(429, "{\"error\":\"slow down\"}")
                .withHeader("Retry-After", "0"));
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"busy\"}"));
        sim.enqueue(CallKind.GET, SimulatedResponse.closeConnection());
        AtomicReference<double[]> atCreated = new AtomicReference<>();

        List<JobEvent> events = watcher.submit("write the changelog")
                .doOnNext(e -> {
                    if (e.kind() == JobEvent.Kind.CREATED) {
                        atCreated.set(new double[] {gauge("agentjobs.watches.active"),
                                gauge("agentjobs.watches.subscribers")});
                    }
                })
                .collectList().block(WAIT);
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
        assertThatThrownBy(() -> client.create("maybe created").block(WAIT))
                .isInstanceOf(OutcomeUnknownException.class);

        assertThat(events).last().satisfies(e -> assertThat(e.kind()).isEqualTo(JobEvent.Kind.TERMINAL));
        assertThat(requests("create", "4xx")).isEqualTo(1);
        assertThat(requests("create", "2xx")).isEqualTo(1);
        assertThat(requests("create", "ambiguous")).isEqualTo(1);
        assertThat(requests("get", "5xx")).isEqualTo(1);
        assertThat(requests("get", "transport_error")).isEqualTo(1);
        assertThat(requests("get", "2xx")).isGreaterThanOrEqualTo(1);
        assertThat(registry.get("agentjobs.requests").timer().baseTimeUnit()).isEqualTo(TimeUnit.SECONDS);

        double polls = registry.get("agentjobs.polls").counter().count();
        assertThat(polls).isEqualTo(requests("get", "2xx") + 2);
        assertThat(registry.get("agentjobs.polls.deferred").tag("reason", "server_error").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("agentjobs.polls.deferred").tag("reason", "transport_error").counter().count())
                .isEqualTo(1);

        assertThat(registry.get("agentjobs.transitions").tags("kind", "created", "status", "active").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("agentjobs.transitions").tags("kind", "terminal", "status", "completed").counter()
                .count()).isEqualTo(1);
        assertThat(registry.get("agentjobs.jobs.duration").tag("status", "completed").timer().totalTime(
                TimeUnit.MILLISECONDS)).isGreaterThan(0);

        assertThat(atCreated.get()).containsExactly(1.0, 1.0);
        assertThat(gauge("agentjobs.watches.active")).isZero();
        assertThat(gauge("agentjobs.watches.subscribers")).isZero();
        assertThat(gauge("agentjobs.requests.active")).isZero();
        assertThat(gauge("agentjobs.requests.queued")).isZero();

        // The breaker's state comes from Resilience4j's own binding.
        assertThat(registry.get("resilience4j.circuitbreaker.state").tag("state", "closed").gauge().value())
                .isEqualTo(1);
        assertThat(registry.get("resilience4j.circuitbreaker.calls").meters()).isNotEmpty();

        for (Meter m : registry.getMeters()) {
            assertThat(m.getId().getName()).doesNotContain(KEY);
            assertThat(m.getId().getTags()).extracting(Tag::getValue).allSatisfy(v -> assertThat(v)
                    .doesNotContain(KEY).doesNotContain(events.get(0).jobId()));
        }
        assertThat(registry.get("agentjobs.requests").timers()).allSatisfy(t ->
                assertThat(t.getId().getTag("project")).isEqualTo("proj-m"));
    }

    @Test
    void aBreakerRegistryIsBoundOnce_howeverManyWatchersShareIt() {
        AtomicInteger subscriptions = new AtomicInteger();
        // Resilience4j's binding subscribes to the registry's entry events: count how often it asks for them.
        CircuitBreakerRegistry real = CircuitBreakerRegistry.ofDefaults();
        CircuitBreakerRegistry shared = (CircuitBreakerRegistry) Proxy.newProxyInstance(
                CircuitBreakerRegistry.class.getClassLoader(), new Class<?>[] {CircuitBreakerRegistry.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getEventPublisher")) {
                        subscriptions.incrementAndGet();
                    }
                    try {
                        return method.invoke(real, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        JobWatcher.builder(client).circuitBreakerRegistry(shared).build().dispose();
        int afterOne = subscriptions.get();
        for (int i = 0; i < 49; i++) {
            JobWatcher.builder(client).circuitBreakerRegistry(shared).build().dispose();
        }
        assertThat(afterOne).isPositive();
        assertThat(subscriptions).hasValue(afterOne);
        assertThat(registry.get("resilience4j.circuitbreaker.state").tag("state", "closed").gauges()).hasSize(1);
    }

    @Test
    void requestsWaitingForASlot_showInTheQueuedGauge_summedOverTheProjectsClients_untilTheLastCloses() {
        AgentJobsClient narrow = client.toBuilder().maxConnections(1).build();
        try {
            sim.enqueue(CallKind.CREATE, SimulatedResponse.delayed(Duration.ofSeconds(3)));
            AtomicReference<double[]> seen = new AtomicReference<>();
            var slow = narrow.create("slow").subscribe();
            var queued = narrow.create("queued").subscribe();
            // Both subscribed: the first holds the only slot (its answer is 3 s away, it is cancelled long before),
            // the second waits in the client's queue.
            seen.set(new double[] {gauge("agentjobs.requests.active"), gauge("agentjobs.requests.queued")});
            assertThat(seen.get()).containsExactly(1.0, 1.0);
            slow.dispose();
            narrow.create("third").block(WAIT);
            queued.dispose();
            assertThat(requests("create", "cancelled")).isEqualTo(1);
        } finally {
            narrow.close();
        }
        assertThat(gauge("agentjobs.requests.queued")).as("the other client's gauge stays").isZero();
        client.close();
        assertThat(registry.find("agentjobs.requests.active").gauge()).isNull();
        assertThat(registry.find("agentjobs.watches.active").gauge()).isNull();
    }

    @Test
    void breakerBindingMissing_failsAtTheClientsBuild_namingTheArtifactToAdd() {
        // The binding is on the test class path: the probe is checked against a name that is not.
        assertThatThrownBy(() -> MicrometerMetrics.requireOnClassPath(MicrometerMetrics.BREAKER_BINDING + "Gone"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("io.github.resilience4j:resilience4j-micrometer");
        MicrometerMetrics.requireOnClassPath(MicrometerMetrics.BREAKER_BINDING);
    }

    @Test
    void closedClientsBreaker_leavesTheRegistry_soTheNextClientOfTheProjectShowsItsOwn() {
        ClientScope.of(client).breaker().transitionToOpenState();
        assertThat(breakerState("open")).isEqualTo(1);
        client.close();

        client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("proj-m").apiKey(ApiKey.of(KEY))
                .meterRegistry(registry).build();
        ClientScope.of(client).breaker();

        assertThat(breakerState("closed")).as("the new client's breaker, not the closed one's").isEqualTo(1);
        assertThat(breakerState("open")).isZero();
    }

    private double breakerState(String state) {
        return registry.get("resilience4j.circuitbreaker.state").tags("state", state).gauge().value();
    }
}
