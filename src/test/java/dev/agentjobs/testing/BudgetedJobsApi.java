package dev.agentjobs.testing;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.simulator.ScriptedJobsApi;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * An in-process agent-jobs server for virtual-time fan-out tests: it holds a sliding-window create limit by a
 * scheduler's clock (429 with {@code Retry-After} past it, like the real API and the simulator), runs each job
 * {@code active} for a fixed time then {@code completed} with a PR link, and records every create's time and
 * prompt. Scripted answers for the next creates ({@link #failNextCreates}) model refusals and ambiguous
 * failures; an "after commit" one creates the job before failing, as a lost response would.
 */
public final class BudgetedJobsApi implements JobsApi {

    private final Scheduler clock;
    private final int limit;
    private final Duration window;
    private final Duration jobDuration;
    private final Duration createLatency;
    private final List<Long> acceptedCreates = new ArrayList<>();
    private final Map<String, Long> jobStarts = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> createsPerPrompt = new ConcurrentHashMap<>();
    private final Deque<Scripted> script = new ArrayDeque<>();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger gets = new AtomicInteger();
    private int ids;

    /** A scripted answer to one create: an error, and whether the job is created before it. */
    public record Scripted(RuntimeException error, boolean afterCommit) {
    }

    /**
     * @param limit         creates accepted in any {@code window}; 0 for no limit
     * @param createLatency how long a create takes to answer (virtual time)
     */
    public BudgetedJobsApi(Scheduler clock, int limit, Duration window, Duration jobDuration, Duration createLatency) {
        this.clock = clock;
        this.limit = limit;
        this.window = window;
        this.jobDuration = jobDuration;
        this.createLatency = createLatency;
    }

    /** The next creates answer these, in order, before the limit is even looked at. */
    public synchronized BudgetedJobsApi failNextCreates(Scripted... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    @Override
    public Mono<Job> create(String prompt) {
        Mono<Job> answer = Mono.defer(() -> {
            long now = clock.now(TimeUnit.MILLISECONDS);
            synchronized (this) {
                Scripted s = script.poll();
                if (s != null) {
                    if (s.afterCommit()) {
                        accept(prompt, now);
                    }
                    return Mono.error(s.error());
                }
                if (limit > 0) {
                    long inWindow = acceptedCreates.stream().filter(t -> t > now - window.toMillis()).count();
                    if (inWindow >= limit) {
                        refused.incrementAndGet();
                        long oldest = acceptedCreates.stream().filter(t -> t > now - window.toMillis())
                                .min(Long::compare).orElse(now);
                        Duration retryAfter = Duration.ofMillis(oldest + window.toMillis() - now);
                        return Mono.error(new RateLimitedException("create: HTTP 429: rate limit", null, "rate limit", retryAfter));
                    }
                }
                return Mono.just(accept(prompt, now));
            }
        });
        return createLatency.isZero() ? answer : Mono.delay(createLatency, clock).then(answer);
    }

    private Job accept(String prompt, long now) {
        String id = "job_" + (++ids);
        acceptedCreates.add(now);
        jobStarts.put(id, now);
        createsPerPrompt.computeIfAbsent(prompt, p -> new AtomicInteger()).incrementAndGet();
        return ScriptedJobsApi.job(id, JobStatus.ACTIVE);
    }

    @Override
    public Mono<Job> get(String jobId) {
        return Mono.defer(() -> {
            gets.incrementAndGet();
            Long start = jobStarts.get(jobId);
            if (start == null) {
                return Mono.error(new JobNotFoundException("GET job '" + jobId + "': HTTP 404", jobId, "job not found"));
            }
            boolean done = clock.now(TimeUnit.MILLISECONDS) - start >= jobDuration.toMillis();
            return Mono.just(done ? ScriptedJobsApi.job(jobId, JobStatus.COMPLETED,
                    "https://github.com/acme/docs/pull/" + jobId.substring(4)) : ScriptedJobsApi.job(jobId, JobStatus.ACTIVE));
        });
    }

    @Override
    public Mono<Job> sendMessage(String jobId, String prompt) {
        return Mono.error(new UnsupportedOperationException("no follow-ups in a fan-out"));
    }

    /** Times (scheduler ms) of the creates accepted, in order. */
    public synchronized List<Long> acceptedCreates() {
        return List.copyOf(acceptedCreates);
    }

    public synchronized int creates() {
        return acceptedCreates.size();
    }

    /** The most creates accepted in any window of the limit's length. */
    public synchronized int maxCreatesInAnyWindow() {
        int max = 0;
        for (int i = 0; i < acceptedCreates.size(); i++) {
            long start = acceptedCreates.get(i);
            int n = 0;
            for (long t : acceptedCreates) {
                if (t >= start && t < start + window.toMillis()) {
                    n++;
                }
            }
            max = Math.max(max, n);
        }
        return max;
    }

    /** Creates refused with 429 for the limit (scripted answers not counted). */
    public int refused() {
        return refused.get();
    }

    public int gets() {
        return gets.get();
    }

    /** The most jobs created for one prompt text: 1 when nothing was created twice. */
    public int maxCreatesForOnePrompt() {
        return createsPerPrompt.values().stream().mapToInt(AtomicInteger::get).max().orElse(0);
    }

    /** Jobs created but not ended yet, by the scheduler's clock. */
    public long activeJobs() {
        long now = clock.now(TimeUnit.MILLISECONDS);
        return jobStarts.values().stream().filter(s -> now - s < jobDuration.toMillis()).count();
    }
}
