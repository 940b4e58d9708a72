package dev.agentjobs.bench;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.Job;
import dev.agentjobs.poll.AdaptivePlan;
import dev.agentjobs.poll.DurationModel;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code agentjobs}: the library's own {@link JobWatcher#watch} on one client with its defaults, the
 * policy fixed at the shared interval (no growth, no jitter) so it sends exactly the requests the peers
 * send. Send and answer times come from the client's {@link AgentJobsListener}, the hook users have too.
 *
 * <p>{@code agentjobs-adaptive}: the same watcher with {@link PollPolicy#adaptive} (issue 11), to show what
 * planning each poll from the job's age costs. The benchmark's jobs never end, so a learning model would
 * never become ready and every poll would take the cold fallback; the watcher gets a ready model instead:
 * {@link DurationModel#known} of an exponential distribution (mean {@value #MEAN_INTERVALS} intervals). Its
 * hazard is the same at every age, so the hazard schedule, calibrated to a target lag of half the interval,
 * plans the shared interval at every age the run reaches (checked in {@link #probe}: within 2%), and the
 * peer sends the same 2,000 GET/s as the others while every successful poll runs the whole planning path
 * (the job's age from its {@code createdAt}, the model's fit, the schedule's bin lookup). No jitter, like
 * {@link PollPolicy#fixed}; the cap is four intervals so it never decides the gap.
 */
final class AgentJobsPoller implements Poller {

    /**
     * The model's mean duration in intervals: far beyond any age a run reaches, yet short enough for the
     * planner's calibration, which prices a schedule over at most 200,000 polls (with a mean of 20,000 intervals
     * of 500 ms it planned the 100 ms floor instead of 500 ms).
     */
    static final long MEAN_INTERVALS = 10_000;

    private final boolean adaptive;
    private final Map<String, Object> setup = new LinkedHashMap<>();
    private AgentJobsClient client;
    private JobWatcher watcher;
    private PollRecorder recorder;
    private AdaptivePlan plan;

    AgentJobsPoller(boolean adaptive) {
        this.adaptive = adaptive;
    }

    @Override
    public void open(Target target, PollRecorder recorder) {
        this.recorder = recorder;
        this.client = AgentJobsClient.builder()
                .baseUrl(target.baseUrl())
                .projectId(target.projectId())
                .apiKey(ApiKey.of(target.apiKey()))
                .listener(new Timing(recorder))
                .build();
        Duration interval = Duration.ofNanos(recorder.intervalNanos());
        if (!adaptive) {
            setup.put("policy", "PollPolicy.fixed(" + interval.toMillis() + " ms)");
            this.watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(interval)).build();
            return;
        }
        double meanSeconds = interval.toMillis() / 1000.0 * MEAN_INTERVALS;
        DurationModel model = DurationModel.known(d -> 1 - Math.exp(-d.toMillis() / 1000.0 / meanSeconds));
        PollPolicy policy = PollPolicy.adaptive(interval.dividedBy(2)).jitter(0).maxInterval(interval.multipliedBy(4));
        this.plan = new AdaptivePlan(policy, model);
        if (!plan.plansByHazard()) {
            throw new IllegalStateException("the adaptive model is not ready: polls would take the cold fallback");
        }
        setup.put("policy", "PollPolicy.adaptive(" + interval.dividedBy(2).toMillis() + " ms).jitter(0).maxInterval("
                + interval.multipliedBy(4).toMillis() + " ms)");
        setup.put("model", "DurationModel.known(exponential, mean " + Math.round(meanSeconds) + " s)");
        setup.put("plansByHazard", true);
        this.watcher = JobWatcher.builder(client).policy(policy).durationModel(model).build();
    }

    @Override
    public void probe(int job) {
        Job answer = client.get(Target.jobId(job)).block(Duration.ofSeconds(30));
        if (plan == null) {
            return;
        }
        // Every job was preloaded at the simulator's start, so they all share (about) this age.
        Instant created = answer == null ? null : answer.createdAt();
        if (created == null) {
            throw new IllegalStateException("the simulator's job has no createdAt: the planner would plan by the"
                    + " watch's age");
        }
        long ageMillis = Math.max(0, Duration.between(created, Instant.now()).toMillis());
        long gap = plan.gapMillis(ageMillis);
        long intervalMillis = Duration.ofNanos(recorder.intervalNanos()).toMillis();
        setup.put("jobAgeAtStartMs", ageMillis);
        setup.put("plannedGapMs", gap);
        if (Math.abs(gap - intervalMillis) > intervalMillis / 50) {
            throw new IllegalStateException("the hazard schedule plans " + gap + " ms at age " + ageMillis
                    + " ms, not the shared " + intervalMillis + " ms interval: the run would not be comparable");
        }
    }

    @Override
    public Map<String, Object> setup() {
        return setup;
    }

    @Override
    public void watch(int job) {
        recorder.firstDue(job, System.nanoTime());
        watcher.watch(Target.jobId(job)).subscribe(event -> { }, error -> recorder.watchFailed());
    }

    /** Feeds the shared recorder from the client's callbacks; they run on the event loop, so stay short. */
    private static final class Timing implements AgentJobsListener {
        private final PollRecorder recorder;

        Timing(PollRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void requestStarted(ApiCall call, String jobId) {
            if (call == ApiCall.GET && jobId != null) {
                recorder.sent(Target.jobIndex(jobId));
            }
        }

        @Override
        public void responseReceived(ApiCall call, String jobId, int httpStatus, Duration elapsed) {
            if (call == ApiCall.GET && jobId != null) {
                if (httpStatus == 200) {
                    recorder.completed(Target.jobIndex(jobId));
                } else {
                    recorder.failed(Target.jobIndex(jobId));
                }
            }
        }

        @Override
        public void requestFailed(ApiCall call, String jobId, Throwable error, Duration elapsed) {
            if (call == ApiCall.GET && jobId != null) {
                recorder.failed(Target.jobIndex(jobId));
            }
        }
    }
}
