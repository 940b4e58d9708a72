package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.JobEvent.Kind;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.RateLimit;
import dev.agentjobs.simulator.SimulatedResponse;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.test.StepVerifier;

/** The watch engine over real loopback HTTP against the simulator. */
class JobWatcherLoopbackTest {

    private static final String KEY = "mint_loopback_test_key";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AgentJobsSimulator sim;
    private AgentJobsClient client;

    private void start(JobDurations durations, AgentJobsListener listener) {
        sim = AgentJobsSimulator.builder().apiKey(KEY).durations(durations).createLimit(RateLimit.none())
                .messageLimit(RateLimit.none()).seed(7).build().start();
        client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p").apiKey(ApiKey.of(KEY))
                .listener(listener).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void submit_thenFollowUp_turnsACompletedJobActiveAndBackToCompleted() {
        start(JobDurations.fixed(Duration.ofMillis(300)), AgentJobsListener.NONE);
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();

        List<JobEvent> first = watcher.submit("write the changelog").collectList().block(TIMEOUT);
        assertThat(first).extracting(JobEvent::kind).containsExactly(Kind.CREATED, Kind.PR_LINKED, Kind.TERMINAL);
        assertThat(first.get(2).status()).isEqualTo(JobStatus.COMPLETED);
        String id = first.get(0).jobId();

        List<JobEvent> again = watcher.followUp(id, "also mention the fix").collectList().block(TIMEOUT);
        assertThat(again).extracting(JobEvent::status).first().isEqualTo(JobStatus.ACTIVE);
        assertThat(again).last().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(Kind.TERMINAL);
            assertThat(e.status()).isEqualTo(JobStatus.COMPLETED);
        });
        assertThat(sim.stats().creates()).isEqualTo(1);
        assertThat(sim.stats().messages()).isEqualTo(1);
    }

    @Test
    void twoHundredSubscribersOfOneJob_shareOnePollLoop_andCancellingThemAllStopsTheGets() throws Exception {
        CountDownLatch fivePolls = new CountDownLatch(5);
        CountDownLatch tenPacerPolls = new CountDownLatch(10);
        AtomicInteger sharedGets = new AtomicInteger();
        start(JobDurations.fixed(Duration.ofHours(1)), new AgentJobsListener() {
            @Override
            public void requestStarted(ApiCall call, String jobId) {
                if ("shared".equals(jobId)) {
                    sharedGets.incrementAndGet();
                    fivePolls.countDown();
                } else if ("pacer".equals(jobId)) {
                    tenPacerPolls.countDown();
                }
            }
        });
        sim.putJob("p", "shared", JobState.ACTIVE);
        sim.putJob("p", "pacer", JobState.ACTIVE);
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();

        long started = System.nanoTime();
        List<List<JobEvent>> seen = new ArrayList<>();
        List<Disposable> subscriptions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            List<JobEvent> events = java.util.Collections.synchronizedList(new ArrayList<>());
            seen.add(events);
            subscriptions.add(watcher.watch("shared").subscribe(events::add));
        }
        assertThat(fivePolls.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // A late subscriber gets the current state at once.
        assertThat(watcher.watch("shared").blockFirst(TIMEOUT).status()).isEqualTo(JobStatus.ACTIVE);
        subscriptions.forEach(Disposable::dispose);
        int getsAtCancel = sharedGets.get();
        long polled = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        // One loop polls about once per 100 ms (the policy's floor) whatever the number of subscribers; 200
        // loops would have sent 200 GETs at the very first poll.
        assertThat(getsAtCancel).as("one GET per poll, not one per subscriber, over %d ms", polled)
                .isBetween(5, (int) (polled / 100) + 2);
        assertThat(seen).allSatisfy(events -> assertThat(events).extracting(JobEvent::status)
                .containsExactly(JobStatus.ACTIVE));
        assertThat(watcher.activeWatches()).isZero();

        // Let another job's loop make ten polls (about ten intervals): the cancelled one must send nothing.
        Disposable pacer = watcher.watch("pacer").subscribe();
        assertThat(tenPacerPolls.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        pacer.dispose();
        assertThat(sharedGets).hasValue(getsAtCancel);
        // A request cancelled in flight may or may not have reached the server; none started after the cancel.
        assertThat(getsOf("shared")).as("what the server saw").isBetween(getsAtCancel - 1L, (long) getsAtCancel);
    }

    @Test
    void watch_ofAMissingJob_endsWithNotFoundAfterOneGet() {
        start(JobDurations.fixed(Duration.ofSeconds(1)), AgentJobsListener.NONE);
        JobWatcher watcher = JobWatcher.builder(client).build();
        StepVerifier.create(watcher.watch("no such job"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(JobNotFoundException.class)
                        .hasMessageContaining("no such job"))
                .verify(TIMEOUT);
        assertThat(sim.stats().gets()).isEqualTo(1);
    }

    @Test
    void responseTimeouts_areCountedByTheBreaker_andTheWatchOutlivesThem() {
        start(JobDurations.fixed(Duration.ofHours(1)), AgentJobsListener.NONE);
        client.close();
        client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p").apiKey(ApiKey.of(KEY))
                .responseTimeout(Duration.ofMillis(100)).build();
        sim.putJob("p", "slow", JobState.ACTIVE);
        for (int i = 0; i < 3; i++) {
            sim.enqueue(CallKind.GET, SimulatedResponse.delayed(Duration.ofSeconds(2)));
        }
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(JobWatcher.defaultBreakerConfig(Clock.systemUTC()));
        JobWatcher watcher = JobWatcher.builder(client).circuitBreakerRegistry(registry).breakerName("b")
                .policy(PollPolicy.fixed(Duration.ofMillis(100)).maxErrorBackoff(Duration.ofMillis(100))).build();

        // Three polls time out inside the breaker; the fourth answers, and the watch goes on.
        StepVerifier.create(watcher.watch("slow"))
                .assertNext(e -> assertThat(e.status()).isEqualTo(JobStatus.ACTIVE))
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(registry.circuitBreaker("b").getMetrics().getNumberOfFailedCalls()).isEqualTo(3);
        assertThat(registry.circuitBreaker("b").getMetrics().getNumberOfSuccessfulCalls()).isEqualTo(1);
    }

    @Test
    void closingTheClient_endsTheWatchesWaitingOnItsTimers() {
        start(JobDurations.fixed(Duration.ofHours(1)), AgentJobsListener.NONE);
        sim.putJob("p", "long", JobState.ACTIVE);
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofSeconds(30))).build();
        StepVerifier.create(watcher.watch("long"))
                .assertNext(e -> assertThat(e.status()).isEqualTo(JobStatus.ACTIVE))
                .then(client::close)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("client was closed"))
                .verify(TIMEOUT);
        assertThat(watcher.activeWatches()).isZero();
        StepVerifier.create(watcher.watch("long")).expectError(IllegalStateException.class).verify(TIMEOUT);
    }

    private long getsOf(String jobId) {
        return sim.requests().stream().filter(r -> r.method().equals("GET") && r.rawPath().endsWith("/" + jobId))
                .count();
    }
}
