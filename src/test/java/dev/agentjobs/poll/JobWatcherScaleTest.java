package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobEvent.Kind;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.Faults;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.RateLimit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 10,000 concurrent jobs against the simulator with faults on: every job ends, every subscriber sees each
 * transition once and in order, and the number of threads does not grow with the number of jobs.
 */
class JobWatcherScaleTest {

    private static final String KEY = "mint_scale_test_key";

    @Test
    void tenThousandJobs_allReachTheirTerminalStatus_onTheSameThreadsAsTenJobs() throws Exception {
        try (AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(KEY)
                .durations(JobDurations.uniform(Duration.ofMillis(500), Duration.ofSeconds(3)))
                .failRatio(0.2)
                .faults(Faults.uniform(0.05).slowDelay(Duration.ofMillis(300)))
                .createLimit(RateLimit.none()).messageLimit(RateLimit.none())
                .recordRequests(0)
                .seed(11).build().start();
             AgentJobsClient client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p")
                     .apiKey(ApiKey.of(KEY)).responseTimeout(Duration.ofSeconds(5)).build()) {
            JobWatcher watcher = JobWatcher.builder(client)
                    .policy(PollPolicy.fixed(Duration.ofSeconds(1)).jitter(0.2).spread(Duration.ofSeconds(1))
                            .maxRetryAfter(Duration.ofSeconds(2)).maxErrorBackoff(Duration.ofSeconds(2)))
                    .build();

            runJobs(sim, watcher, "warm", 10);
            java.util.Set<String> threadsWithTenJobs = threadNames();

            Result result = runJobs(sim, watcher, "job", 10_000);

            assertThat(result.errors).as("no watch failed").isEmpty();
            assertThat(result.badSequences.size()).as("subscribers that missed, repeated or reordered a transition,"
                    + " such as %s", result.badSequences.stream().limit(3).toList()).isZero();
            assertThat(result.terminals).isEqualTo(2 * 10_000);
            assertThat(sim.stats().faults()).as("faults were injected").isPositive();
            assertThat(threadNames()).as("threads do not grow with jobs").isEqualTo(threadsWithTenJobs);
            assertThat(watcher.activeWatches()).isZero();
        }
    }

    private static java.util.Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
    }

    private record Result(List<Throwable> errors, List<String> badSequences, int terminals) {
    }

    /** Watches {@code n} preloaded jobs with two subscribers each and waits for all of them to end. */
    private static Result runJobs(AgentJobsSimulator sim, JobWatcher watcher, String prefix, int n)
            throws InterruptedException {
        Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Queue<String> bad = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(2 * n);
        int[] terminals = new int[1];
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i;
            sim.putJob("p", id, JobState.ACTIVE);
            for (int s = 0; s < 2; s++) {
                List<JobEvent> events = new ArrayList<>(4);
                watcher.watch(id).subscribe(events::add, e -> {
                    errors.add(e);
                    done.countDown();
                }, () -> {
                    String problem = checkSequence(events);
                    if (problem != null) {
                        bad.add(id + ": " + problem);
                    } else {
                        synchronized (terminals) {
                            terminals[0]++;
                        }
                    }
                    done.countDown();
                });
            }
        }
        assertThat(done.await(50, TimeUnit.SECONDS)).as("all %d jobs ended in time", n).isTrue();
        synchronized (terminals) {
            return new Result(List.copyOf(errors), List.copyOf(bad), terminals[0]);
        }
    }

    /**
     * Null when the events are what a subscriber may see: active (unless the job ended before its first
     * poll), at most one PR link, and one terminal event last; each at most once.
     */
    private static String checkSequence(List<JobEvent> events) {
        if (events.isEmpty()) {
            return "no event";
        }
        JobEvent last = events.get(events.size() - 1);
        if (last.kind() != Kind.TERMINAL || !last.status().isTerminal()) {
            return "does not end with a terminal event: " + events;
        }
        long terminalsSeen = events.stream().filter(e -> e.kind() == Kind.TERMINAL).count();
        long links = events.stream().filter(e -> e.kind() == Kind.PR_LINKED).count();
        long changes = events.stream().filter(e -> e.kind() == Kind.STATUS_CHANGED).count();
        if (terminalsSeen != 1 || links > 1 || changes > 1) {
            return "repeated transitions: " + events;
        }
        if (changes == 1 && (events.get(0).kind() != Kind.STATUS_CHANGED || events.get(0).status() != JobStatus.ACTIVE)) {
            return "active is not first: " + events;
        }
        return null;
    }
}
