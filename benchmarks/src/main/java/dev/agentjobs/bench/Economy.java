package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The {@code economy} scenario: what a poll policy costs in requests and gains in detection lag, over a
 * fleet of jobs, in virtual time. One JSON line per policy on stdout.
 *
 * <p>10,000 jobs are submitted over the first 10 virtual minutes, each running a log-normal time (median
 * 3 min, sigma 0.6, seeded). The real watch engine ({@link JobWatcher}) runs on a
 * {@link VirtualTimeScheduler}, over an in-process {@link JobsApi} whose {@code get} answers
 * {@code completed} once the job's virtual end has passed: no network, so hours of fleet time take a
 * second and the figures are exact. Requests per job counts the GETs (the one create is the same for
 * every policy); lag is from a job's end to the engine emitting its {@code TERMINAL} event.
 */
public final class Economy {

    static final int JOBS = 10_000;
    private static final Duration MEDIAN = Duration.ofMinutes(3);
    private static final double SIGMA = 0.6;
    private static final Duration SUBMIT_OVER = Duration.ofMinutes(10);

    private Economy() {
    }

    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        long seed = Long.parseLong(Args.parse(args).getOrDefault("seed", "42"));
        System.out.println(json.writeValueAsString(run("fixed-5s", PollPolicy.fixed(Duration.ofSeconds(5)), seed)));
        System.out.println(json.writeValueAsString(run("agentjobs", PollPolicy.defaults(), seed)));
    }

    static Map<String, Object> run(String name, PollPolicy policy, long seed) {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        Fleet fleet = new Fleet(time, seed);
        JobWatcher watcher = JobWatcher.builder(fleet).scheduler(time).policy(policy).random(new Random(seed)).build();
        long[] lagMillis = new long[JOBS];
        int[] ended = {0};
        int[] failed = {0};
        for (int i = 0; i < JOBS; i++) {
            long submitAt = SUBMIT_OVER.toMillis() * i / JOBS;
            time.schedule(() -> watcher.submit("economy").subscribe(event -> {
                if (event.kind() == JobEvent.Kind.TERMINAL) {
                    int job = Fleet.index(event.jobId());
                    lagMillis[job] = time.now(TimeUnit.MILLISECONDS) - fleet.endMillis[job];
                    ended[0]++;
                }
            }, error -> failed[0]++), submitAt, TimeUnit.MILLISECONDS);
        }
        time.advanceTimeBy(policy.deadline() == null ? Duration.ofHours(3) : policy.deadline().plusMinutes(20));
        watcher.dispose();
        time.dispose();

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "economy");
        out.put("impl", name);
        out.put("jobs", JOBS);
        out.put("policy", policy.toString());
        if (ended[0] != JOBS) {
            out.put("status", "failed");
            out.put("reason", (JOBS - ended[0]) + " jobs never reached TERMINAL (" + failed[0] + " watch errors)");
            return out;
        }
        long[] lags = lagMillis.clone();
        Arrays.sort(lags);
        out.put("status", "ok");
        out.put("reason", null);
        out.put("requestsPerJob", Math.round(100.0 * fleet.gets / JOBS) / 100.0);
        out.put("meanLagMs", Math.round(Arrays.stream(lags).average().orElse(0)));
        out.put("p95LagMs", lags[(int) Math.ceil(0.95 * JOBS) - 1]);
        out.put("maxLagMs", lags[JOBS - 1]);
        out.put("seed", seed);
        return out;
    }

    /** The in-process API: jobs end at a drawn virtual time; a GET tells the truth about virtual now. */
    static final class Fleet implements JobsApi {
        final long[] endMillis = new long[JOBS];
        long gets;
        private final VirtualTimeScheduler time;
        private final Random random;
        private int created;

        Fleet(VirtualTimeScheduler time, long seed) {
            this.time = time;
            this.random = new Random(seed);
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
                long duration = Math.round(MEDIAN.toMillis() * Math.exp(SIGMA * random.nextGaussian()));
                endMillis[job] = now() + duration;
                return snapshot(job, JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> get(String jobId, CallRetryPolicy retryPolicy) {
            return Mono.fromSupplier(() -> {
                gets++;
                int job = index(jobId);
                return snapshot(job, now() >= endMillis[job] ? JobStatus.COMPLETED : JobStatus.ACTIVE);
            });
        }

        @Override
        public Mono<Job> sendMessage(String jobId, String prompt) {
            return Mono.error(new UnsupportedOperationException("the economy scenario sends no follow-ups"));
        }

        private Job snapshot(int job, JobStatus status) {
            return new Job("e-" + job, status, null, "bench", null, Instant.EPOCH, null);
        }
    }
}
