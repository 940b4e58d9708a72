package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static dev.agentjobs.gateway.GatewayHarness.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.PromptRecord;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.SqliteJobLedger;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.SimulatedResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway with a SQLite ledger: its jobs survive a restart, listed and (when unfinished) watched again. */
class GatewayLedgerTest {

    @TempDir
    Path dir;
    private JobLedger ledger;
    private GatewayHarness h;

    @AfterEach
    void stop() {
        try {
            if (h != null) {
                h.close();
            }
        } finally {
            if (ledger != null) {
                ledger.close();
            }
        }
    }

    @Test
    void restartedGateway_listsItsJobs_andWatchesTheUnfinishedOnesToTheirEnd() {
        Path file = dir.resolve("gateway.ledger.db");
        ledger = SqliteJobLedger.open(file);
        JobLedger[] current = {ledger};
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b.ledger(current[0]));
        String done = h.create("finishes before the restart");
        h.stream("/jobs/" + done + "/events", null).blockLast(TIMEOUT);
        String slow = createActiveForever();
        awaitState(done, PromptState.COMPLETED);
        assertThat(record(slow).state()).isEqualTo(PromptState.CREATED);

        // Restart with the ledger closed and reopened from its file, as a new process would.
        h.gateway.close();
        ledger.close();
        ledger = SqliteJobLedger.open(file);
        current[0] = ledger;
        h.restartGateway();

        JsonNode listed = GatewayHarness.json(h.get("/jobs", bearer()).body()).get("jobs");
        assertThat(listed).extracting(j -> j.get("id").asText()).contains(done);
        assertThat(GatewayHarness.json(h.get("/healthz", Map.of()).body()).get("storage").asText())
                .startsWith("ledger");
        h.sim.putJob("p", slow, dev.agentjobs.simulator.JobState.COMPLETED);
        List<SseEvent> events = h.stream("/jobs/" + slow + "/events", null).collectList().block(TIMEOUT);
        assertThat(events).extracting(SseEvent::event).last().isEqualTo("terminal");
        awaitState(slow, PromptState.COMPLETED);
        assertThat(record(slow).prLink()).isNotNull();
        assertThat(GatewayHarness.json(h.get("/jobs", bearer()).body()).get("jobs"))
                .extracting(j -> j.get("id").asText()).containsExactly(slow, done);
        assertThat(h.sim.stats().creates()).isEqualTo(2);
    }

    @Test
    void createWhoseAnswerWasLost_isRecordedInDoubt_andARefusedOneRejected() {
        ledger = SqliteJobLedger.open(dir.resolve("l.db"));
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b.ledger(ledger));
        h.sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
        assertThat(h.post("/jobs", "{\"prompt\":\"lost\"}", bearer()).statusCode()).isEqualTo(502);
        h.sim.enqueue(CallKind.CREATE, SimulatedResponse.respond(400, "{\"error\":\"bad prompt\"}"));
        assertThat(h.post("/jobs", "{\"prompt\":\"refused\"}", bearer()).statusCode()).isEqualTo(400);

        List<PromptRecord> rows = ledger.find(Set.of()).collectList().block(TIMEOUT);
        assertThat(rows).extracting(PromptRecord::prompt, PromptRecord::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("lost", PromptState.IN_DOUBT),
                org.assertj.core.groups.Tuple.tuple("refused", PromptState.REJECTED));
    }

    private String createActiveForever() {
        // The simulator draws each job's duration at create; replace the job right after with one that stays active.
        String id = h.create("still running at the restart");
        h.sim.putJob("p", id, dev.agentjobs.simulator.JobState.ACTIVE);
        return id;
    }

    private PromptRecord record(String jobId) {
        return ledger.find(Set.of()).filter(r -> jobId.equals(r.jobId())).blockFirst(TIMEOUT);
    }

    private void awaitState(String jobId, PromptState state) {
        reactor.core.publisher.Flux.interval(Duration.ofMillis(20)).onBackpressureDrop()
                .concatMap(i -> ledger.find(Set.of()).filter(r -> jobId.equals(r.jobId())).next())
                .filter(r -> r.state() == state).blockFirst(TIMEOUT);
    }
}
