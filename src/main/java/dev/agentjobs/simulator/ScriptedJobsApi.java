package dev.agentjobs.simulator;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import java.time.Duration;
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
 * An in-process {@link JobsApi} for tests of code built on the watch engine or the fan-out, with no network:
 * each GET of a job is answered from a script (a {@link Job} or a {@link Throwable} per poll, the last one
 * repeated), creates and messages from a function, and the time of each GET on a scheduler's clock is
 * recorded. Pair it with a {@code VirtualTimeScheduler} to check a whole poll schedule in milliseconds.
 * Thread-safe.
 *
 * <pre>{@code
 * VirtualTimeScheduler time = VirtualTimeScheduler.create();
 * ScriptedJobsApi api = new ScriptedJobsApi(time)
 *         .script("job_1", ScriptedJobsApi.job("job_1", JobStatus.ACTIVE),
 *                 new ServerErrorException("GET job 'job_1': HTTP 503", "job_1", 503, null, null),
 *                 ScriptedJobsApi.job("job_1", JobStatus.COMPLETED));
 * JobWatcher watcher = JobWatcher.builder(api).scheduler(time)
 *         .policy(PollPolicy.fixed(Duration.ofSeconds(5))).build();
 * StepVerifier.withVirtualTime(() -> watcher.awaitTerminal("job_1"), () -> time, 1)
 *         .thenAwait(Duration.ofMinutes(1))
 *         .assertNext(job -> assertThat(job.status()).isEqualTo(JobStatus.COMPLETED))
 *         .verifyComplete();
 * assertThat(api.gets("job_1")).isEqualTo(3);
 * }</pre>
 */
public final class ScriptedJobsApi implements JobsApi {

    /**
     * A script answer: the GET completes empty, with neither a job nor an error, as a broken {@link JobsApi}
     * would; to check that code on top of one copes.
     */
    public static final Object EMPTY = new Object() {
        @Override
        public String toString() {
            return "EMPTY";
        }
    };

    private final Scheduler clock;
    private final Map<String, Deque<Object>> scripts = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> getTimes = new ConcurrentHashMap<>();
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger messages = new AtomicInteger();
    private volatile Function<String, Object> fallback = id -> new JobNotFoundException(
            "GET job '" + id + "': HTTP 404: job not found", id, "job not found");
    private volatile Function<String, Object> messageAnswer = id -> job(id, JobStatus.ACTIVE);
    private volatile Function<String, Object> createAnswer = id -> job(id, JobStatus.ACTIVE);
    private volatile Duration getLatency = Duration.ZERO;

    /** @param clock whose time stamps each GET (see {@link #getTimes}); also runs {@link #getLatency} */
    public ScriptedJobsApi(Scheduler clock) {
        this.clock = clock;
    }

    /** A job snapshot with the given status and no PR link. */
    public static Job job(String id, JobStatus status) {
        return job(id, status, null);
    }

    /** A job snapshot with the given status and PR link, created at the epoch. */
    public static Job job(String id, JobStatus status, String prLink) {
        return new Job(id, status, new Job.Source("https://github.com/acme/docs", "main"), "claude",
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

    /** Answer to a create, given the new job's id (default: the job, active). */
    public ScriptedJobsApi onCreate(Function<String, Object> answer) {
        this.createAnswer = answer;
        return this;
    }

    /**
     * How long each GET takes, on the scheduler's clock (default: none). The GET is recorded when it is sent,
     * and its answer is taken from the script then: what a slow server read at that moment.
     */
    public ScriptedJobsApi getLatency(Duration latency) {
        this.getLatency = latency;
        return this;
    }

    @Override
    public Mono<Job> create(String prompt) {
        return Mono.defer(() -> answer(createAnswer.apply("job-" + creates.incrementAndGet())));
    }

    @Override
    public Mono<Job> get(String jobId) {
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
            Duration latency = getLatency;
            return latency.isZero() ? answer(answer) : Mono.delay(latency, clock).then(answer(answer));
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
        if (answer == EMPTY) {
            return Mono.empty();
        }
        return Mono.just((Job) answer);
    }

    /** Scheduler times (ms) of each GET of {@code jobId}. */
    public List<Long> getTimes(String jobId) {
        List<Long> times = getTimes.get(jobId);
        return times == null ? List.of() : List.copyOf(times);
    }

    /** How many GETs of {@code jobId} were made. */
    public int gets(String jobId) {
        return getTimes(jobId).size();
    }

    /** How many GETs were made in all. */
    public int totalGets() {
        return getTimes.values().stream().mapToInt(List::size).sum();
    }

    /** How many creates were made. */
    public int creates() {
        return creates.get();
    }

    /** How many follow-up messages were sent. */
    public int messages() {
        return messages.get();
    }
}
