package dev.agentjobs.testing;

import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobSource;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * An in-process {@link JobsApi} that answers each GET of a job from a script (a {@link Job} or a
 * {@link Throwable} per poll, the last one repeated) and records when each GET happened on a scheduler's
 * clock. For engine tests under virtual time, where no network may be involved.
 */
public final class ScriptedJobsApi implements JobsApi {

    private final Scheduler clock;
    private final Map<String, Deque<Object>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> getTimes = new ConcurrentHashMap<>();
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private volatile Function<String, Object> fallback = id -> new JobNotFoundException(
            "GET job '" + id + "': HTTP 404: job not found", id, 404, "job not found", null, null);
    private volatile Function<String, Object> messageAnswer = id -> job(id, JobStatus.ACTIVE);

    public ScriptedJobsApi(Scheduler clock) {
        this.clock = clock;
    }

    /** A job snapshot with the given status and no PR link. */
    public static Job job(String id, JobStatus status) {
        return job(id, status, null);
    }

    public static Job job(String id, JobStatus status, String prLink) {
        return new Job(id, status, new JobSource("https://github.com/acme/docs", "main"), "claude",
                prLink, Instant.EPOCH, null);
    }

    /** GETs of {@code jobId} answer these in turn (a Job or a Throwable); the last one repeats. */
    public ScriptedJobsApi script(String jobId, Object... answers) {
        Deque<Object> q = new ArrayDeque<>(List.of(answers));
        scripts.put(jobId, q);
        return this;
    }

    /** Answer for GETs of jobs without a script (default: 404). */
    public ScriptedJobsApi otherwise(Function<String, Object> answer) {
        this.fallback = answer;
        return this;
    }

    /** Answer to a follow-up message (default: the job, active). */
    public ScriptedJobsApi onMessage(Function<String, Object> answer) {
        this.messageAnswer = answer;
        return this;
    }

    @Override
    public Mono<Job> create(String prompt) {
        return Mono.defer(() -> {
            String id = "job-" + creates.incrementAndGet();
            return Mono.just(job(id, JobStatus.ACTIVE));
        });
    }

    @Override
    public Mono<Job> get(String jobId, CallRetryPolicy retryPolicy) {
        return Mono.defer(() -> {
            getTimes.computeIfAbsent(jobId, k -> Collections.synchronizedList(new ArrayList<>()))
                    .add(clock.now(TimeUnit.MILLISECONDS));
            Deque<Object> q = scripts.get(jobId);
            Object answer;
            if (q == null) {
                answer = fallback.apply(jobId);
            } else {
                synchronized (q) {
                    answer = q.size() > 1 ? q.poll() : q.peek();
                }
            }
            return answer(answer);
        });
    }

    @Override
    public Mono<Job> sendMessage(String jobId, String prompt) {
        return Mono.defer(() -> {
            messages.incrementAndGet();
            return answer(messageAnswer.apply(jobId));
        });
    }

    private static Mono<Job> answer(Object answer) {
        if (answer instanceof Throwable t) {
            return Mono.error(t);
        }
        return Mono.just((Job) answer);
    }

    /** Scheduler times (ms) of each GET of {@code jobId}. */
    public List<Long> getTimes(String jobId) {
        List<Long> times = getTimes.get(jobId);
        return times == null ? List.of() : List.copyOf(times);
    }

    public int gets(String jobId) {
        return getTimes(jobId).size();
    }

    public int totalGets() {
        return getTimes.values().stream().mapToInt(List::size).sum();
    }

    public int creates() {
        return creates.get();
    }

    public int messages() {
        return messages.get();
    }
}
