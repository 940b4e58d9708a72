package dev.agentjobs.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.FaultKind;
import dev.agentjobs.simulator.Faults;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

/** The fan-out over real loopback HTTP against the simulator with faults on, recorded in a SQLite ledger. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FanOutLoopbackTest {

    private static final String KEY = "mint_fanout_loopback_key";

    @TempDir
    Path dir;

    @Test
    void fanOut_200PromptsWithFaults_eachEndsWithExactlyOneJobOrInDoubt() {
        Faults faults = Faults.none()
                .ratio(FaultKind.CLOSE_AFTER_COMMIT, 0.03)
                .ratio(FaultKind.ERROR_500_AFTER_COMMIT, 0.03)
                .ratio(FaultKind.MALFORMED_JSON, 0.02)
                .ratio(FaultKind.ERROR_503, 0.03)
                .ratio(FaultKind.CLOSE_CONNECTION, 0.03)
                .ratio(FaultKind.BURST_429, 0.01).burstLength(2);
        List<PromptInput> prompts = IntStream.rangeClosed(1, 200)
                .mapToObj(i -> new PromptInput("page-" + i, "Refresh documentation page " + i)).toList();
        try (AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(KEY)
                .durations(JobDurations.uniform(Duration.ofMillis(200), Duration.ofMillis(600)))
                .createLimit(RateLimit.none()).faults(faults).seed(7).build().start();
             AgentJobsClient client = AgentJobsClient.builder().baseUrl(sim.url()).projectId("docs")
                     .apiKey(ApiKey.of(KEY)).build();
             SqliteJobLedger ledger = SqliteJobLedger.open(dir.resolve("prompts.ledger.db"))) {
            FanOutOptions options = FanOutOptions.builder().createRate(CreateRate.unlimited()).createsInFlight(8)
                    .refusalBackoff(Duration.ofMillis(50), Duration.ofMillis(400))
                    .pollPolicy(PollPolicy.fixed(Duration.ofMillis(150)).deadline(Duration.ofMinutes(1)))
                    .build();
            List<FanOutResult> results = FanOut.create(client, ledger).fanOut(Flux.fromIterable(prompts), options)
                    .collectList().block(Duration.ofMinutes(2));

            assertThat(results).hasSize(200);
            assertThat(results).extracting(FanOutResult::customId).doesNotHaveDuplicates();
            assertThat(results).allMatch(r -> r.state() == PromptState.COMPLETED
                    || r.state() == PromptState.IN_DOUBT, "completed or in doubt");
            Set<String> jobIds = new HashSet<>();
            results.stream().filter(r -> r.state() == PromptState.COMPLETED).forEach(r -> {
                assertThat(r.jobId()).isNotNull();
                assertThat(jobIds.add(r.jobId())).as("job %s shared by two prompts", r.jobId()).isTrue();
            });
            long inDoubt = results.stream().filter(r -> r.state() == PromptState.IN_DOUBT).count();
            assertThat(inDoubt).as("after-commit faults fired").isPositive();

            AgentJobsSimulator.Stats stats = sim.stats();
            assertThat(stats.maxCreatesForOnePrompt()).isEqualTo(1);
            assertThat(stats.creates()).isBetween((long) jobIds.size(), jobIds.size() + inDoubt);
            Map<PromptState, Long> counts = ledger.counts().block(Duration.ofSeconds(5));
            assertThat(counts.keySet()).isSubsetOf(EnumSet.of(PromptState.COMPLETED, PromptState.IN_DOUBT));
            assertThat(counts.get(PromptState.COMPLETED)).isEqualTo(jobIds.size());
        }
    }
}
