package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.poll.DurationModel;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The {@code economy} scenario: what a poll policy costs in requests and gains in detection lag, over a
 * fleet of jobs, in virtual time. {@code main} prints one JSON line per policy on stdout (the two that
 * {@code run.sh} reports); {@link Frontier} sweeps every policy family over three workloads.
 *
 * <p>10,000 jobs are submitted over the first 10 virtual minutes, each running a time drawn from a
 * {@link Workload} (by default log-normal, median 3 min, sigma 0.6, seeded). The real watch engine
 * ({@link JobWatcher}) runs on a {@link VirtualTimeScheduler}, over an in-process {@link JobsApi} whose
 * {@code get} answers {@code completed} once the job's virtual end has passed and whose jobs carry their
 * virtual {@code createdAt}: no network, so hours of fleet time take a second and the figures are exact.
 * Requests per job counts the GETs (the one create is the same for every policy); lag is from a job's end to
 * the engine emitting its {@code TERMINAL} event. The same seed gives every policy the same jobs.
 */
public final class Economy {

    static final int JOBS = 10_000;
    static final Duration SUBMIT_OVER = Duration.ofMinutes(10);

    private Economy() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long seed = Long.parseLong(Args.parse(args).getOrDefault("seed", "42"));
        System.out.println(json.writeValueAsString(run("fixed-5s", PollPolicy.fixed(Duration.ofSeconds(5)), seed)));
        System.out.println(json.writeValueAsString(run("agentjobs", PollPolicy.defaults(), seed)));
    }

    static Map<String, Object> run(String name, PollPolicy policy, long seed) {
        Outcome o = simulate(Workload.LOG_NORMAL, JOBS, seed, policy, job -> null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "economy");
        out.put("impl", name);
        out.put("jobs", JOBS);
        out.put("policy", policy.toString());
        if (o.ended != JOBS) {
            out.put("status", "failed");
            out.put("reason", (JOBS - o.ended) + " jobs never reached TERMINAL (" + o.failed + " watch errors)");
            return out;
        }
        out.put("status", "ok");
        out.put("reason", null);
        out.putAll(o.figures(0, JOBS));
        out.put("seed", seed);
        return out;
    }

    /** What one policy did to one fleet: per job, its lag and its GETs. */
    static final class Outcome {
        final long[] lagMillis;
        final int[] gets;
        final boolean[] endedJob;
        int ended;
        int failed;

        Outcome(int jobs) {
            lagMillis = new long[jobs];
            gets = new int[jobs];
            endedJob = new boolean[jobs];
        }

        /** How many of jobs [from, to) reached TERMINAL so far. */
        int endedAmong(int from, int to) {
            int n = 0;
            for (int i = from; i < to; i++) {
                n += endedJob[i] ? 1 : 0;
            }
            return n;
        }

        /** GETs per job, mean, p95 and max lag of jobs [from, to). */
        Map<String, Object> figures(int from, int to) {
            long[] lags = Arrays.copyOfRange(lagMillis, from, to);
            Arrays.sort(lags);
            long total = 0;
            for (int i = from; i < to; i++) {
                total += gets[i];
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("requestsPerJob", Math.round(100.0 * total / (to - from)) / 100.0);
            out.put("meanLagMs", Math.round(Arrays.stream(lags).average().orElse(0)));
            out.put("p95LagMs", lags[(int) Math.ceil(0.95 * lags.length) - 1]);
            out.put("maxLagMs", lags[lags.length - 1]);
            return out;
        }
    }

    /**
     * Runs {@code jobs} jobs of {@code workload} under {@code policy}. {@code modelForJob} gives the duration
     * model the watcher of job i plans with (null: the watcher's own); jobs with the same model share a watcher.
     */
    static Outcome simulate(Workload workload, int jobs, long seed, PollPolicy policy,
                            IntFunction<DurationModel> modelForJob) {
        return simulate(workload, jobs, seed, policy, modelForJob, SUBMIT_OVER, null);
    }

    /**
     * As above, the jobs submitted evenly over {@code submitOver} ({@link #JOBS} of them; fewer over its
     * share); {@code everySecond}, if given, is called each virtual second with the outcome so far.
     */
    static Outcome simulate(Workload workload, int jobs, long seed, PollPolicy policy,
                            IntFunction<DurationModel> modelForJob, Duration submitOver,
                            BiConsumer<Long, Outcome> everySecond) {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        Fleet fleet = new Fleet(time, seed, workload, jobs);
        Random jitter = new Random(seed);
        Map<DurationModel, JobWatcher> watchers = new IdentityHashMap<>();
        JobWatcher[] ownModel = new JobWatcher[1];
        Outcome out = new Outcome(jobs);
        for (int i = 0; i < jobs; i++) {
            int job = i;
            long submitAt = submitOver.toMillis() * i / JOBS;
            time.schedule(() -> {
                DurationModel model = modelForJob.apply(job);
                JobWatcher watcher = model == null
                        ? (ownModel[0] != null ? ownModel[0] : (ownModel[0] = watcher(fleet, time, policy, jitter, null)))
                        : watchers.computeIfAbsent(model, m -> watcher(fleet, time, policy, jitter, m));
                watcher.submit("economy").subscribe(event -> {
                    if (event.kind() == JobEvent.Kind.TERMINAL) {
                        int ended = Fleet.index(event.jobId());
                        out.lagMillis[ended] = time.now(TimeUnit.MILLISECONDS) - fleet.endMillis[ended];
                        out.endedJob[ended] = true;
                        out.ended++;
                    }
                }, error -> out.failed++);
            }, submitAt, TimeUnit.MILLISECONDS);
        }
        if (everySecond != null) {
            time.schedulePeriodically(() -> everySecond.accept(time.now(TimeUnit.MILLISECONDS), out), 1, 1,
                    TimeUnit.SECONDS);
        }
        Duration deadline = policy.deadline() == null ? Duration.ofHours(3) : policy.deadline();
        time.advanceTimeBy(submitOver.plus(deadline).plusMinutes(20));
        watchers.values().forEach(JobWatcher::dispose);
        if (ownModel[0] != null) {
            ownModel[0].dispose();
        }
        time.dispose();
        System.arraycopy(fleet.gets, 0, out.gets, 0, jobs);
        return out;
    }

    private static JobWatcher watcher(Fleet fleet, VirtualTimeScheduler time, PollPolicy policy, Random jitter,
                                      DurationModel model) {
        JobWatcher.Builder b = JobWatcher.builder(fleet).scheduler(time).policy(policy).random(jitter);
        return (model == null ? b : b.durationModel(model)).build();
    }

    /** The in-process API: jobs end at a drawn virtual time; a GET tells the truth about virtual now. */
    static final class Fleet implements JobsApi {
        final long[] endMillis;
        final long[] createdMillis;
        final int[] gets;
        private final VirtualTimeScheduler time;
        private final Random random;
        private final Workload workload;
        private int created;

        Fleet(VirtualTimeScheduler time, long seed, Workload workload, int jobs) {
            this.time = time;
            this.random = new Random(seed);
            this.workload = workload;
            endMillis = new long[jobs];
            createdMillis = new long[jobs];
            gets = new int[jobs];
        }

        static int index(String jobId) {
            return Integer.parseInt(jobId, 2, jobId.length(), 10);
        }

        private long now() {
            return time.now(TimeUnit.MILLISECONDS);
        }

        @Override
        public Mono<Job> create(String prompt) {
            return Mono.fromSupplier(() -> {
                int job = created++;
                createdMillis[job] = now();
                endMillis[job] = now() + workload.drawMillis(job, random);
                return snapshot(job, JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> get(String jobId) {
            return Mono.fromSupplier(() -> {
                int job = index(jobId);
                gets[job]++;
                return snapshot(job, now() >= endMillis[job] ? JobStatus.COMPLETED : JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> sendMessage(String jobId, String prompt) {
            return Mono.error(new UnsupportedOperationException("the economy scenario sends no follow-ups"));
        }

        private Job snapshot(int job, JobStatus status) {
            return new Job("e-" + job, status, null, "bench", null, Instant.ofEpochMilli(createdMillis[job]), null);
        }
    }
}
