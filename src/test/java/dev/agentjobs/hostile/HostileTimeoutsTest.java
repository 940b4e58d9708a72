package dev.agentjobs.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.SimulatedResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A server that answers at a crawl, or sends its headers and then nothing, against the client's bound on the
 * whole of each attempt (issue 9, item 1). Real loopback HTTP; the bound is small so each case ends in about a
 * second, and every case would take a minute or more without it.
 */
class HostileTimeoutsTest {

    private static final String KEY = "mint_hostile_timeouts_key_1";
    private static final Duration BOUND = Duration.ofMillis(600);
    /** Far beyond the bound plus a loaded machine's slack, far below what the hostile server would take. */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(4);
    /** A drip of a ~300-byte job, one byte per 200 ms: a minute, were nothing to cut it. */
    private static final SimulatedResponse DRIP = SimulatedResponse.normal().withBodyDrip(1, Duration.ofMillis(200));
    private static final SimulatedResponse STALL =
            SimulatedResponse.normal().withStallAfterHeaders(Duration.ofMinutes(1));
    private static final CallRetryPolicy FAST = CallRetryPolicy.exponential(3, Duration.ofMillis(20)).jitter(0);

    private AgentJobsSimulator sim;
    private AgentJobsClient client;
    private final List<Throwable> deferrals = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).durations(
                dev.agentjobs.simulator.JobDurations.fixed(Duration.ofMinutes(10))).build().start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        sim.close();
    }

    private AgentJobsClient client(int maxConnections) {
        client = AgentJobsClient.builder().baseUrl(sim.url()).projectId("p").apiKey(ApiKey.of(KEY))
                .retryPolicy(FAST).maxConnections(maxConnections)
                // The idle timeout stays at its default (30 s): only the whole-attempt bound can end these cases.
                .attemptTimeout(BOUND)
                .listener(new AgentJobsListener() {
                    @Override
                    public void pollDeferred(String jobId, Duration delay, Throwable cause) {
                        deferrals.add(cause);
                    }
                })
                .build();
        return client;
    }

    /** The failure of {@code call}, and how long it took to arrive. */
    private record Outcome(Throwable error, Duration took, String thread) {
    }

    private static Outcome failure(Mono<?> call) {
        AtomicReference<String> thread = new AtomicReference<>();
        long t0 = System.nanoTime();
        Throwable error = call.doOnError(e -> thread.set(Thread.currentThread().getName()))
                .then(Mono.<Throwable>empty())
                .onErrorResume(Mono::just)
                .block(ENDS_WITHIN.plusSeconds(60));
        return new Outcome(error, Duration.ofNanos(System.nanoTime() - t0), thread.get());
    }

    @Test
    void create_whoseBodyDrips_endsOutcomeUnknown_withinTheBound() {
        sim.enqueue(CallKind.CREATE, DRIP);
        Outcome o = failure(client(4).create("drip"));
        assertThat(o.error()).isExactlyInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("POST job").hasMessageContaining("PT0.6S")
                .hasCauseInstanceOf(TransportException.class);
        assertThat(o.took()).isGreaterThanOrEqualTo(BOUND).isLessThan(ENDS_WITHIN);
        assertThat(sim.stats().creates()).as("the server had the POST: never sent again").isEqualTo(1);
        assertThat(sim.stats().requests()).isEqualTo(1);
    }

    @Test
    void create_whoseServerStallsAfterTheHeaders_endsOutcomeUnknown_withinTheBound() {
        sim.enqueue(CallKind.CREATE, STALL);
        Outcome o = failure(client(4).create("stall"));
        assertThat(o.error()).isExactlyInstanceOf(OutcomeUnknownException.class);
        assertThat(o.took()).isGreaterThanOrEqualTo(BOUND).isLessThan(ENDS_WITHIN);
        assertThat(sim.stats().requests()).isEqualTo(1);
    }

    @Test
    void message_whoseBodyDrips_endsOutcomeUnknown_withinTheBound() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        sim.enqueue(CallKind.MESSAGE, DRIP);
        Outcome o = failure(client(4).sendMessage("j1", "more"));
        assertThat(o.error()).isExactlyInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("POST message to job 'j1'");
        assertThat(o.took()).isLessThan(ENDS_WITHIN);
        assertThat(sim.stats().messages()).isEqualTo(1);
    }

    @Test
    void get_whoseBodyDrips_isCutAsTransient_andRetried_thenSucceeds() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        sim.enqueue(CallKind.GET, DRIP);
        sim.enqueue(CallKind.GET, STALL);
        long t0 = System.nanoTime();
        Job job = client(4).get("j1").block(ENDS_WITHIN.multipliedBy(2));
        assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(BOUND.multipliedBy(2));
        assertThat(sim.stats().gets()).isEqualTo(3);
    }

    @Test
    void get_cutOnEveryAttempt_failsTransiently_notOutcomeUnknown() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        for (int i = 0; i < 3; i++) {
            sim.enqueue(CallKind.GET, DRIP);
        }
        Outcome o = failure(client(4).get("j1"));
        assertThat(o.error()).isExactlyInstanceOf(TransportException.class).hasMessageContaining("GET job 'j1'");
        assertThat(((TransportException) o.error()).isTransient()).isTrue();
        assertThat(sim.stats().gets()).isEqualTo(3);
    }

    @Test
    void theBound_firesOnTheClientsOwnEventLoop() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        sim.enqueue(CallKind.GET, STALL);
        Outcome o = failure(client(4).get("j1", CallRetryPolicy.none()));
        assertThat(o.error()).isInstanceOf(TransportException.class);
        assertThat(o.thread()).as("not Schedulers.parallel()").startsWith("agentjobs-http");
    }

    @Test
    void aCutConnection_isClosed_neverReusedForTheNextCall() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        sim.putJob("p", "j2", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, DRIP);
        // One connection only: were the cut one kept checked out, the next GET would wait for it; were it put
        // back in the pool, the next answer would be read behind the rest of the dripping body.
        AgentJobsClient c = client(1);
        assertThat(failure(c.get("j1", CallRetryPolicy.none())).error()).isInstanceOf(TransportException.class);
        Job next = c.get("j2", CallRetryPolicy.none()).block(ENDS_WITHIN);
        assertThat(next.id()).isEqualTo("j2");
        assertThat(next.status()).isEqualTo(JobStatus.ACTIVE);
    }

    @Test
    void aWatchOverADrippingServer_isDeferred_notEnded_andTheBreakerCountsEachCut() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        sim.enqueue(CallKind.GET, DRIP);
        sim.enqueue(CallKind.GET, STALL);
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.of(
                JobWatcher.defaultBreakerConfig(Clock.systemUTC()));
        JobWatcher watcher = JobWatcher.builder(client(4)).circuitBreakerRegistry(breakers).breakerName("b")
                .policy(PollPolicy.fixed(Duration.ofMillis(100)).firstPollDelay(Duration.ZERO)
                        .maxErrorBackoff(Duration.ofMillis(200)).jitter(0))
                .build();
        try {
            List<JobEvent> events = watcher.watch("j1").collectList().block(ENDS_WITHIN.multipliedBy(2));
            assertThat(events).last().satisfies(e -> {
                assertThat(e.kind()).isEqualTo(JobEvent.Kind.TERMINAL);
                assertThat(e.status()).isEqualTo(JobStatus.COMPLETED);
            });
            assertThat(deferrals).hasSize(2).allMatch(TransportException.class::isInstance);
            CircuitBreaker.Metrics m = breakers.circuitBreaker("b").getMetrics();
            assertThat(m.getNumberOfFailedCalls()).as("each cut poll is a failure to the breaker").isEqualTo(2);
            assertThat(m.getNumberOfSuccessfulCalls()).isEqualTo(1);
        } finally {
            watcher.dispose();
        }
    }
}
