package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The in-process fake users get for their own tests: what its javadoc promises. */
class ScriptedJobsApiTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void drivesAWatcherUnderVirtualTime_asTheJavadocShows() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ScriptedJobsApi api = new ScriptedJobsApi(time)
                .script("job_1", ScriptedJobsApi.job("job_1", JobStatus.ACTIVE),
                        new ServerErrorException("GET job 'job_1': HTTP 503", "job_1", 503, null, null),
                        ScriptedJobsApi.job("job_1", JobStatus.COMPLETED));
        JobWatcher watcher = JobWatcher.builder(api).scheduler(time)
                .policy(PollPolicy.fixed(Duration.ofSeconds(5))).build();
        StepVerifier.withVirtualTime(() -> watcher.awaitTerminal("job_1"), () -> time, 1)
                .thenAwait(Duration.ofMinutes(1))
                .assertNext(job -> assertThat(job.status()).isEqualTo(JobStatus.COMPLETED))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(api.gets("job_1")).isEqualTo(3);
        assertThat(api.getTimes("job_1")).first().isEqualTo(0L);
    }

    @Test
    void theLastAnswerRepeats_andAnUnscriptedJobIsNotFound() {
        ScriptedJobsApi api = new ScriptedJobsApi(VirtualTimeScheduler.create())
                .script("j", ScriptedJobsApi.job("j", JobStatus.ACTIVE), ScriptedJobsApi.job("j", JobStatus.FAILED));
        assertThat(api.get("j").block(TIMEOUT).status()).isEqualTo(JobStatus.ACTIVE);
        assertThat(api.get("j").block(TIMEOUT).status()).isEqualTo(JobStatus.FAILED);
        assertThat(api.get("j").block(TIMEOUT).status()).isEqualTo(JobStatus.FAILED);
        StepVerifier.create(api.get("other")).expectError(JobNotFoundException.class).verify(TIMEOUT);
        assertThat(api.gets("j")).isEqualTo(3);
        assertThat(api.totalGets()).isEqualTo(4);
    }

    @Test
    void createsAndMessages_areAnsweredAndCounted_andGetLatencyRunsOnTheClock() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        ScriptedJobsApi api = new ScriptedJobsApi(time).getLatency(Duration.ofSeconds(2))
                .onCreate(id -> ScriptedJobsApi.job(id, JobStatus.COMPLETED))
                .onMessage(id -> new IllegalStateException("no messages today"));
        assertThat(api.create("p").block(TIMEOUT).id()).isEqualTo("job-1");
        assertThat(api.create("p").block(TIMEOUT).status()).isEqualTo(JobStatus.COMPLETED);
        StepVerifier.create(api.sendMessage("job-1", "more")).expectError(IllegalStateException.class).verify(TIMEOUT);
        assertThat(api.creates()).isEqualTo(2);
        assertThat(api.messages()).isEqualTo(1);
        api.script("slow", ScriptedJobsApi.EMPTY);
        StepVerifier.withVirtualTime(() -> api.get("slow"), () -> time, 1)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1_999))
                .thenAwait(Duration.ofMillis(1))
                .verifyComplete();
    }
}
