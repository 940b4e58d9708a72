package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.SimulatedResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.resources.ConnectionProvider;
import reactor.test.scheduler.VirtualTimeScheduler;

class JobsTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String KEY = "mint_transport_test_key";

    private AgentJobsSimulator sim;
    private JobsTransport transport;

    private static TransportSettings settings(URI base, Scheduler scheduler) {
        TransportSettings.Builder b = TransportSettings.builder().baseUrl(base).projectId("proj")
                .apiKey(ApiKey.of(KEY)).connectTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(5))
                .attemptTimeout(Duration.ofSeconds(8)).maxConnections(4).userAgent("agentjobs-test");
        return (scheduler == null ? b : b.scheduler(scheduler)).build();
    }

    @AfterEach
    void tearDown() {
        if (transport != null) {
            transport.closeLater().block(WAIT);
        }
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void defaultScheduler_isTheClientsOwnEventLoop_namedAndNonBlocking() {
        transport = new JobsTransport(settings(URI.create("http://127.0.0.1:1"), null));
        String thread = Mono.fromCallable(() -> Thread.currentThread().getName())
                .subscribeOn(transport.scheduler()).block(WAIT);
        assertThat(thread).startsWith("agentjobs-");
        // BlockHound must see this loop as non-blocking, like any Netty event loop.
        String verdict = Mono.fromCallable(() -> {
            try {
                new CountDownLatch(1).await(1, TimeUnit.MILLISECONDS);
                return "blocking call allowed";
            } catch (Error e) {
                return e.getClass().getSimpleName();
            }
        }).subscribeOn(transport.scheduler()).block(WAIT);
        assertThat(verdict).isEqualTo("BlockingOperationError");
        // Delays run there too, without a hop.
        String delayed = Mono.delay(Duration.ofMillis(1), transport.scheduler())
                .map(x -> Thread.currentThread().getName()).block(WAIT);
        assertThat(delayed).isEqualTo(thread);
    }

    @Test
    void lentPoolSmallerThanMaxConnections_boundsTheRequestsInFlight_soItsOwnQueueNeverOverflows() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).build().start();
        for (int i = 0; i < 8; i++) {
            sim.putJob("proj", "j" + i, JobState.ACTIVE);
            sim.enqueue(CallKind.GET, SimulatedResponse.delayed(Duration.ofMillis(200)));
        }
        // Two connections and room for one waiting acquire: a fourth request at once would be refused by the pool.
        ConnectionProvider pool = ConnectionProvider.builder("tiny").maxConnections(2).pendingAcquireMaxCount(1)
                .build();
        try {
            transport = new JobsTransport(TransportSettings.builder().baseUrl(sim.url()).projectId("proj")
                    .apiKey(ApiKey.of(KEY)).maxConnections(4).connectionProvider(pool).build());
            List<Job> jobs = Flux.range(0, 8).flatMap(i -> transport.get("j" + i, CallRetryPolicy.none()))
                    .collectList().block(WAIT);
            assertThat(jobs).hasSize(8);
        } finally {
            transport.closeLater().block(WAIT);
            transport = null;
            pool.disposeLater().block(WAIT);
        }
    }

    @Test
    void injectedSchedulerIsUsed() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        transport = new JobsTransport(settings(URI.create("http://127.0.0.1:1"), vts));
        assertThat(transport.scheduler()).isSameAs(vts);
    }

    @Test
    void closeLater_isIdempotent_stopsTheLoop_andRejectsLaterCalls() {
        transport = new JobsTransport(settings(URI.create("http://127.0.0.1:1"), null));
        Scheduler loop = transport.scheduler();
        Mono.fromCallable(() -> 1).subscribeOn(loop).block(WAIT);
        assertThat(transport.isClosed()).isFalse();
        transport.closeLater().block(WAIT);
        transport.closeLater().block(WAIT);
        assertThat(transport.isClosed()).isTrue();
        assertThatThrownBy(() -> transport.get("j", CallRetryPolicy.defaults()).block(WAIT))
                .isInstanceOf(IllegalStateException.class).hasMessage("agentjobs client is closed: GET job 'j' not sent");
        assertThatThrownBy(() -> Mono.delay(Duration.ofMillis(1), loop).block(WAIT))
                .hasRootCauseInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }

    @Test
    void closingOneTransportLeavesAnotherWorking() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).build().start();
        sim.putJob("proj", "j", JobState.ACTIVE);
        transport = new JobsTransport(settings(sim.url(), null));
        JobsTransport other = new JobsTransport(settings(sim.url(), null));
        assertThat(other.get("j", CallRetryPolicy.none()).block(WAIT)).isNotNull();
        other.closeLater().block(WAIT);
        assertThat(transport.get("j", CallRetryPolicy.none()).block(WAIT).id()).isEqualTo("j");
    }

    @Test
    void everyOutcomeGivesItsPermitBack() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).build().start();
        sim.putJob("proj", "j", JobState.ACTIVE);
        transport = new JobsTransport(settings(sim.url(), null));
        sim.enqueue(CallKind.GET, SimulatedResponse.closeConnection());
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, "nope"));
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(500, "{}"));
        List<Object> outcomes = Flux.range(0, 12)
                .flatMap(i -> transport.get(i % 4 == 0 ? "missing" : "j", CallRetryPolicy.none())
                        .<Object>map(Job::id).onErrorResume(e -> Mono.just(e.getClass().getSimpleName())))
                .collectList().block(WAIT);
        assertThat(outcomes).hasSize(12).contains("j", "JobNotFoundException");
        assertThat(transport.inFlight()).isZero();
        assertThatThrownBy(() -> transport.get("missing", CallRetryPolicy.none()).block(WAIT))
                .isInstanceOf(JobNotFoundException.class);
    }
}
