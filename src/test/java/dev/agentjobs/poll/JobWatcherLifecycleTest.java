package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.internal.http.ClientScope;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.SimulatedResponse;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * A watcher's life on a shared client: what a watcher per request leaves behind in the client (nothing, once
 * its watches end), what watchers of one client share (the breaker, the adaptive model), and closing from
 * a thread that must not block.
 */
class JobWatcherLifecycleTest {

    private static final String KEY = "mint_lifecycle_test_key";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private AgentJobsSimulator sim;
    private AgentJobsClient client;

    private AgentJobsClient client(AgentJobsClient.Builder b) {
        sim = AgentJobsSimulator.builder().apiKey(KEY).durations(JobDurations.fixed(Duration.ofHours(1))).seed(3)
                .build().start();
        client = b.baseUrl(sim.baseUrl()).projectId("p").apiKey(ApiKey.of(KEY)).build();
        return client;
    }

    /**
     * A watcher as a request handler builds it, its first poll due no sooner than 30 s from now (the spread
     * drawn at its top), so under a virtual clock that nobody advances, no watch polls or ends by itself.
     */
    private JobWatcher.Builder perRequest() {
        return JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofSeconds(30))
                .spread(Duration.ofSeconds(30))).random(() -> -1L);
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
    void tenThousandWatchersPerRequest_createdWatchingAndClosed_leaveNothingInTheClient() {
        // Virtual time that is never advanced: no watch polls, so this costs no request, only the bookkeeping.
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ClientScope scope = ClientScope.of(client(AgentJobsClient.builder().scheduler(time)));
        int peakHooks = 0;
        for (int i = 0; i < 10_000; i++) {
            try (JobWatcher perRequest = perRequest().build()) {
                perRequest.watch("job-" + i).subscribe(e -> { }, e -> { });
                peakHooks = Math.max(peakHooks, scope.closeHookCount());
            }
        }
        assertThat(peakHooks).as("a watcher with a running watch is known to its client").isEqualTo(1);
        assertThat(scope.closeHookCount()).as("close hooks left after 10,000 closed watchers").isZero();
        assertThat(scope.breakers().getAllCircuitBreakers()).as("breakers in the client's registry").hasSize(1);
        assertThat(scope.sharedCount()).as("per-client objects: the breaker registry only").isEqualTo(1);
    }

    @Test
    void watchersDroppedWithoutClose_areReleasedByTheClientOnceTheirWatchesEnd() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ClientScope scope = ClientScope.of(client(AgentJobsClient.builder().scheduler(time)));
        List<Disposable> watches = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            // Never closed: a handler that forgot to. Its watch is cancelled when the request goes away.
            watches.add(perRequest().build().watch("job-" + i).subscribe(e -> { }, e -> { }));
        }
        assertThat(scope.closeHookCount()).as("one hook per watcher with a running watch").isEqualTo(10_000);
        watches.forEach(Disposable::dispose);
        assertThat(scope.closeHookCount()).as("hooks left once every watch was cancelled").isZero();
    }

    @Test
    void anIdleWatcher_isStillEndedWhenItsClientCloses() {
        client(AgentJobsClient.builder());
        sim.putJob("p", "later", JobState.ACTIVE);
        JobWatcher idle = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofSeconds(30))).build();
        client.close();
        StepVerifier.create(idle.watch("later"))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("client was closed"))
                .verify(TIMEOUT);
        assertThat(idle.activeWatches()).isZero();
        assertThat(ClientScope.of(client).closeHookCount()).isZero();
    }

    @Test
    void twoWatchersOnOneClient_shareOneBreaker_soOneSeeingAnOutageHoldsBackTheOthersPolls() throws Exception {
        AtomicInteger getsOfB = new AtomicInteger();
        client(AgentJobsClient.builder().listener(new AgentJobsListener() {
            @Override
            public void requestStarted(ApiCall call, String jobId) {
                if ("b".equals(jobId)) {
                    getsOfB.incrementAndGet();
                }
            }
        }));
        for (int i = 0; i < 25; i++) {
            sim.putJob("p", "a" + i, JobState.ACTIVE);
            sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"down\"}"));
        }
        sim.putJob("p", "b", JobState.ACTIVE);
        PollPolicy quick = PollPolicy.fixed(Duration.ofMillis(100)).spread(Duration.ZERO);
        CompletableFuture<Throwable> bDeferred = new CompletableFuture<>();
        JobWatcher first = JobWatcher.builder(client).policy(quick).build();
        JobWatcher second = JobWatcher.builder(client).policy(quick).listener(new AgentJobsListener() {
            @Override
            public void pollDeferred(String jobId, Duration delay, Throwable cause) {
                bDeferred.complete(cause);
            }
        }).build();

        CircuitBreaker breaker = ClientScope.of(client).breaker();
        List<Disposable> outage = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            outage.add(first.watch("a" + i).subscribe(e -> { }, e -> { }));
        }
        // 25 first polls of the first watcher meet the 503s: 20 are enough to open the client's breaker.
        StepVerifier.create(Mono.fromCallable(breaker::getState)
                        .filter(s -> s == CircuitBreaker.State.OPEN)
                        .repeatWhenEmpty(200, r -> r.delayElements(Duration.ofMillis(50))))
                .expectNext(CircuitBreaker.State.OPEN)
                .verifyComplete();

        Disposable b = second.watch("b").subscribe(e -> { }, e -> { });
        assertThat(bDeferred.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("the second watcher's first poll waits for the breaker the first one opened")
                .isInstanceOf(CallNotPermittedException.class);
        assertThat(getsOfB).as("GETs of the second watcher's job while the breaker is open").hasValue(0);
        b.dispose();
        outage.forEach(Disposable::dispose);
        first.close();
        second.close();
    }

    @Test
    void adaptiveWatchersOnOneClient_learnIntoOneModel() {
        client(AgentJobsClient.builder());
        PollPolicy adaptive = PollPolicy.adaptive(Duration.ofSeconds(5));
        try (JobWatcher a = JobWatcher.builder(client).policy(adaptive).build();
             JobWatcher b = JobWatcher.builder(client).policy(adaptive).build()) {
            assertThat(a.durationModel()).isPresent();
            assertThat(a.durationModel().get()).isSameAs(b.durationModel().get());
        }
        DurationModel own = DurationModel.learning();
        try (JobWatcher c = JobWatcher.builder(client).policy(adaptive).durationModel(own).build()) {
            assertThat(c.durationModel()).containsSame(own);
        }
    }

    @Test
    void closingTheClientAndAWatcher_fromTheClientsOwnEventLoop_neverBlocks() {
        client(AgentJobsClient.builder());
        sim.putJob("p", "long", JobState.ACTIVE);
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofSeconds(30))).build();
        ClientScope scope = ClientScope.of(client);
        StepVerifier.create(watcher.watch("long"))
                .assertNext(e -> assertThat(e.status()).isEqualTo(JobStatus.ACTIVE))
                // On the client's event loop, where BlockHound (and Reactor) refuse any blocking call.
                .then(() -> Mono.fromRunnable(() -> {
                    watcher.close();
                    client.close();
                }).subscribeOn(scope.scheduler()).block(TIMEOUT))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class))
                .verify(TIMEOUT);
        StepVerifier.create(client.closeGracefully()).verifyComplete();
        assertThat(client.isDisposed()).isTrue();
    }

    @Test
    void closeGracefully_composesAReactiveShutdown_andIsIdempotent() {
        client(AgentJobsClient.builder());
        sim.putJob("p", "long", JobState.ACTIVE);
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofSeconds(30))).build();
        StepVerifier.create(watcher.watch("long"))
                .assertNext(e -> assertThat(e.status()).isEqualTo(JobStatus.ACTIVE))
                .then(() -> watcher.closeGracefully().then(client.closeGracefully()).block(TIMEOUT))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("watcher was closed"))
                .verify(TIMEOUT);
        assertThat(watcher.isDisposed()).isTrue();
        assertThat(client.isDisposed()).isTrue();
        StepVerifier.create(watcher.closeGracefully().then(client.closeGracefully())).verifyComplete();
    }
}
