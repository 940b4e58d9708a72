package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.RateLimit;
import dev.agentjobs.simulator.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Many followers of many jobs over loopback: each sees every transition once, in order; each job is polled once. */
class GatewayScaleTest {

    private static final int JOBS = 100;
    private static final int PER_JOB = 10;
    private static final Duration POLL = Duration.ofMillis(200);

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void thousandSubscribersOverHundredJobs_seeEveryTransitionOnceInOrder_withOnePollLoopPerJob() {
        // Jobs stay active until the test ends them, so all 1,000 streams are open at once before any ends.
        h = new GatewayHarness(AgentJobsSimulator.builder().apiKey(GatewayHarness.KEY)
                .durations(JobDurations.fixed(Duration.ofHours(1))).seed(5).recordRequests(20_000)
                .createLimit(RateLimit.none()),
                b -> b.maxStreamsPerToken(JOBS * PER_JOB).pollPolicy(PollPolicy.fixed(POLL)).eventLoopThreads(2));
        Map<String, Long> createdAt = new ConcurrentHashMap<>();
        List<String> ids = Flux.range(0, JOBS).flatMap(i -> Mono.fromCallable(() -> {
            String id = h.create("job " + i);
            createdAt.put(id, System.nanoTime());
            return id;
        }).subscribeOn(Schedulers.boundedElastic()), 16).collectList().block(TIMEOUT);
        AtomicInteger firstEvents = new AtomicInteger();
        CompletableFuture<Void> allOpen = new CompletableFuture<>();

        var streams = Flux.fromIterable(ids)
                .flatMap(id -> Flux.range(0, PER_JOB).flatMap(k -> h.stream("/jobs/" + id + "/events", null)
                        .index().doOnNext(e -> {
                            if (e.getT1() == 0 && firstEvents.incrementAndGet() == JOBS * PER_JOB) {
                                allOpen.complete(null);
                            }
                        }).map(e -> e.getT2())
                        .collectList().map(events -> Map.entry(id, events))), JOBS * PER_JOB)
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())))
                .toFuture();
        allOpen.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        assertThat(h.gateway.openStreams()).isEqualTo(JOBS * PER_JOB);
        for (int i = 0; i < ids.size(); i++) {
            h.sim.putJob("p", ids.get(i), i % 5 == 0 ? JobState.FAILED : JobState.COMPLETED);
        }
        Map<String, List<List<SseEvent>>> seen = streams.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        long end = System.nanoTime();

        assertThat(ids).doesNotHaveDuplicates().hasSize(JOBS);
        for (String id : ids) {
            List<List<SseEvent>> copies = seen.get(id);
            assertThat(copies).hasSize(PER_JOB);
            List<SseEvent> reference = copies.get(0);
            assertThat(reference).extracting(SseEvent::event).first().isEqualTo("created");
            assertThat(reference).extracting(SseEvent::event).last().isEqualTo("terminal");
            assertThat(reference).extracting(SseEvent::event).doesNotHaveDuplicates();
            assertThat(reference).extracting(SseEvent::seq)
                    .isEqualTo(IntStream.rangeClosed(1, reference.size()).mapToObj(Long::valueOf).toList());
            assertThat(copies).allSatisfy(c -> assertThat(c).isEqualTo(reference));
        }
        // One loop per job polls every POLL from its creation to its end; two loops for one job would double it.
        Map<String, Long> getsPerJob = h.sim.requests().stream().filter(r -> r.callKind() == CallKind.GET)
                .collect(Collectors.groupingBy(GatewayScaleTest::jobOf, Collectors.counting()));
        assertThat(getsPerJob.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        for (String id : ids) {
            long lived = TimeUnit.NANOSECONDS.toMillis(end - createdAt.get(id));
            assertThat(getsPerJob.get(id)).as("GETs of %s over %d ms", id, lived)
                    .isBetween(1L, lived / POLL.toMillis() + 2);
        }
        assertThat(h.sim.stats().gets()).isEqualTo(getsPerJob.values().stream().mapToLong(Long::longValue).sum());
        assertThat(h.gateway.watchedJobs()).isZero();
    }

    private static String jobOf(RecordedRequest r) {
        String path = r.rawPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
