package dev.agentjobs.poll;

import static dev.agentjobs.simulator.ScriptedJobsApi.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.internal.SchedulerClock;
import dev.agentjobs.simulator.ScriptedJobsApi;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The breaker shared by a project's polls: open, half-open and closed, with polls deferred, never failed. */
class CircuitBreakingTest {

    @Test
    void openBreaker_defersPollsUntilHalfOpen_thenEveryJobResumesAndCompletes() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedJobsApi api = new ScriptedJobsApi(vts);
        // Response timeouts: the failure the notes warn a breaker may not see when the timeout sits outside it.
        TransportException timeout = new TransportException("GET job: response timeout", null, null);
        boolean[] serverDown = {true};
        api.otherwise(id -> serverDown[0] ? timeout : job(id, JobStatus.COMPLETED));

        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(
                JobWatcher.defaultBreakerConfig(new SchedulerClock(vts)));
        JobWatcher watcher = JobWatcher.builder(api).scheduler(vts).circuitBreakerRegistry(registry)
                .breakerName("sim project").policy(PollPolicy.fixed(Duration.ofSeconds(1))
                        .maxErrorBackoff(Duration.ofSeconds(1)))
                .build();
        CircuitBreaker breaker = registry.circuitBreaker("sim project");
        List<String> transitions = Collections.synchronizedList(new ArrayList<>());
        breaker.getEventPublisher().onStateTransition(e -> transitions.add(e.getStateTransition().getToState()
                + "@" + vts.now(java.util.concurrent.TimeUnit.MILLISECONDS)));

        int jobs = 40;
        List<JobEvent> terminals = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        for (int i = 0; i < jobs; i++) {
            watcher.watch("job-" + i).filter(e -> e.kind() == JobEvent.Kind.TERMINAL)
                    .subscribe(terminals::add, e -> errors.incrementAndGet());
        }
        // 40 immediate polls time out: 20 calls are enough to trip the breaker (50% of them failed).
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        int getsWhenOpened = api.totalGets();
        assertThat(getsWhenOpened).isEqualTo(20);

        vts.advanceTimeBy(Duration.ofSeconds(14));
        assertThat(api.totalGets()).as("no request while the breaker is open").isEqualTo(getsWhenOpened);
        assertThat(errors).hasValue(0);
        assertThat(watcher.activeWatches()).isEqualTo(jobs);

        serverDown[0] = false;
        vts.advanceTimeBy(Duration.ofMinutes(2));

        assertThat(errors).as("no job failed because of the outage").hasValue(0);
        assertThat(terminals).hasSize(jobs).allMatch(e -> e.status() == JobStatus.COMPLETED);
        assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(transitions).hasSize(3);
        assertThat(transitions.get(0)).startsWith("OPEN@0");
        assertThat(transitions.get(1)).startsWith("HALF_OPEN@");
        assertThat(transitions.get(2)).startsWith("CLOSED@");
        assertThat(watcher.activeWatches()).isZero();
    }

    @Test
    void notFound_isAnAnswerNotAnOutage_soItNeverOpensTheBreaker() {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        ScriptedJobsApi api = new ScriptedJobsApi(vts); // every unknown job: 404
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(
                JobWatcher.defaultBreakerConfig(new SchedulerClock(vts)));
        JobWatcher watcher = JobWatcher.builder(api).scheduler(vts).circuitBreakerRegistry(registry)
                .breakerName("b").build();
        AtomicInteger notFound = new AtomicInteger();
        for (int i = 0; i < 60; i++) {
            watcher.watch("missing-" + i).subscribe(e -> { }, e -> notFound.incrementAndGet());
        }
        assertThat(notFound).hasValue(60);
        assertThat(registry.circuitBreaker("b").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    }
}
