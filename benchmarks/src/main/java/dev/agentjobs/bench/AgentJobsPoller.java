package dev.agentjobs.bench;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;

/**
 * {@code agentjobs}: the library's own {@link JobWatcher#watch} on one client with its defaults, the
 * policy fixed at the shared interval (no growth, no jitter) so it sends exactly the requests the peers
 * send. Send and answer times come from the client's {@link AgentJobsListener}, the hook users have too.
 */
final class AgentJobsPoller implements Poller {

    private AgentJobsClient client;
    private JobWatcher watcher;
    private PollRecorder recorder;

    @Override
    public void open(Target target, PollRecorder recorder) {
        this.recorder = recorder;
        this.client = AgentJobsClient.builder()
                .baseUrl(target.baseUrl())
                .projectId(target.projectId())
                .apiKey(ApiKey.of(target.apiKey()))
                .listener(new Timing(recorder))
                .build();
        PollPolicy policy = PollPolicy.fixed(Duration.ofNanos(recorder.intervalNanos()));
        this.watcher = JobWatcher.builder(client).policy(policy).build();
    }

    @Override
    public void probe(int job) {
        client.get(Target.jobId(job)).block(Duration.ofSeconds(30));
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
