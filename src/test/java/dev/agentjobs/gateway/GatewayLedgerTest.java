package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static dev.agentjobs.gateway.GatewayHarness.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.fanout.CreateRate;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.PromptInput;
import dev.agentjobs.fanout.PromptRecord;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.SqliteJobLedger;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.SimulatedResponse;
import dev.agentjobs.testing.CountingJobLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
        h.sim.putJob("p", slow, JobState.COMPLETED);
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
        JsonNode inDoubt = GatewayHarness.json(h.get("/jobs", bearer()).body()).get("inDoubt");
        assertThat(inDoubt).extracting(d -> d.get("prompt").asText()).containsExactly("lost");
        assertThat(GatewayHarness.json(h.get("/healthz", Map.of()).body()).get("inDoubt").asLong()).isEqualTo(1);
    }

    @Test
    void createsACrashedGatewayLeftCreating_turnInDoubtAtStart_listedWithTheirAttemptTimeAndCounted() {
        Path file = dir.resolve("crashed.ledger.db");
        Instant attempted = Instant.parse("2025-03-01T10:15:30.123Z");
        try (JobLedger crashed = SqliteJobLedger.open(file)) {
            // A gateway's create claimed and sent, and a fan-out's: both processes died before the answer.
            crashed.register("p", List.of(new PromptInput("gateway-crashedepoch-1", "lost in the crash"),
                    new PromptInput("fanout-7", "a fan-out's"))).block(TIMEOUT);
            crashed.claimForCreate("gateway-crashedepoch-1", CreateRate.unlimited(), false, attempted).block(TIMEOUT);
            crashed.claimForCreate("fanout-7", CreateRate.unlimited(), false, attempted).block(TIMEOUT);
        }
        ledger = SqliteJobLedger.open(file);
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b.ledger(ledger));

        assertThat(ledger.get("gateway-crashedepoch-1").block(TIMEOUT).state()).isEqualTo(PromptState.IN_DOUBT);
        assertThat(ledger.get("fanout-7").block(TIMEOUT).state()).isEqualTo(PromptState.IN_DOUBT);
        JsonNode listed = GatewayHarness.json(h.get("/jobs", bearer()).body());
        assertThat(listed.get("jobs")).isEmpty();
        assertThat(listed.get("inDoubt")).hasSize(1);
        JsonNode entry = listed.get("inDoubt").get(0);
        assertThat(entry.get("customId").asText()).isEqualTo("gateway-crashedepoch-1");
        assertThat(entry.get("status").asText()).isEqualTo("in_doubt");
        assertThat(entry.get("attemptedAt").asText()).isEqualTo(attempted.toString());
        assertThat(entry.get("prompt").asText()).isEqualTo("lost in the crash");
        assertThat(entry.has("id")).isFalse();
        assertThat(GatewayHarness.json(h.get("/healthz", Map.of()).body()).get("inDoubt").asLong()).isEqualTo(1);
        assertThat(h.sim.stats().creates()).as("an in-doubt create is never sent again").isZero();
    }

    @Test
    void jobsAskedAboutById_areRecorded_andAfterARestartListedAndTheUnfinishedOneWatchedToItsEnd() {
        Path file = dir.resolve("by-id.ledger.db");
        ledger = SqliteJobLedger.open(file);
        JobLedger[] current = {ledger};
        h = new GatewayHarness(JobDurations.fixed(Duration.ofHours(1)), b -> b.ledger(current[0]));
        h.sim.putJob("p", "job-ended", JobState.COMPLETED);
        h.sim.putJob("p", "job-running", JobState.ACTIVE);
        assertThat(h.get("/jobs/job-ended", bearer()).statusCode()).isEqualTo(200);
        assertThat(h.stream("/jobs/job-running/events", null).next().block(TIMEOUT).event())
                .isEqualTo("status_changed");
        assertThat(h.get("/jobs/job-unknown", bearer()).statusCode()).isEqualTo(404);
        awaitState("job-ended", PromptState.COMPLETED);
        awaitState("job-running", PromptState.CREATED);
        assertThat(record("job-running").recordedById()).isTrue();
        assertThat(ledger.find(Set.of()).collectList().block(TIMEOUT)).hasSize(2);
        assertThat(ledger.createsSince("p", Instant.EPOCH).block(TIMEOUT)).isEmpty();

        restartWithTheLedgerReopened(file, current);

        assertThat(h.gateway.watchedJobs()).isEqualTo(1);
        assertThat(awaitListed(2)).containsExactly("job-running", "job-ended");
        h.sim.putJob("p", "job-running", JobState.COMPLETED);
        // Nobody follows the job: the gateway watches it on its own and writes its end.
        awaitState("job-running", PromptState.COMPLETED);
        assertThat(record("job-running").prLink()).isNotNull();
        assertThat(h.sim.stats().creates()).isZero();
    }

    @Test
    void followUpToACompletedJob_reopensItsRow_andARestartMidWayWatchesItToItsNextEnd() {
        Path file = dir.resolve("follow-up.ledger.db");
        ledger = SqliteJobLedger.open(file);
        JobLedger[] current = {ledger};
        h = new GatewayHarness(JobDurations.fixed(Duration.ofHours(1)), b -> b.ledger(current[0]));
        String id = h.create("first turn");
        h.sim.putJob("p", id, JobState.COMPLETED);
        awaitState(id, PromptState.COMPLETED);

        assertThat(h.post("/jobs/" + id + "/messages", "{\"prompt\":\"second turn\"}", bearer()).statusCode())
                .isEqualTo(200);
        // The reply waited for the ledger: the row is active again, its old PR link gone.
        assertThat(record(id)).extracting(PromptRecord::state, PromptRecord::prLink, PromptRecord::prompt)
                .containsExactly(PromptState.CREATED, null, "first turn");

        restartWithTheLedgerReopened(file, current);

        assertThat(h.gateway.watchedJobs()).isEqualTo(1);
        assertThat(awaitListed(1)).containsExactly(id);
        h.sim.putJob("p", id, JobState.FAILED);
        awaitState(id, PromptState.FAILED);
        List<SseEvent> events = h.stream("/jobs/" + id + "/events", null).collectList().block(TIMEOUT);
        assertThat(events).extracting(SseEvent::event).last().isEqualTo("terminal");
        assertThat(ledger.find(Set.of()).collectList().block(TIMEOUT)).hasSize(1);
        assertThat(h.sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void followUpToAJobNeverSeen_recordsItById_asActive() {
        ledger = SqliteJobLedger.open(dir.resolve("l.db"));
        h = new GatewayHarness(JobDurations.fixed(Duration.ofHours(1)), b -> b.ledger(ledger));
        h.sim.putJob("p", "job-elsewhere", JobState.COMPLETED);

        assertThat(h.post("/jobs/job-elsewhere/messages", "{\"prompt\":\"again\"}", bearer()).statusCode())
                .isEqualTo(200);

        assertThat(ledger.get(GatewayLedger.BY_ID + "job-elsewhere").block(TIMEOUT))
                .extracting(PromptRecord::state, PromptRecord::jobId, PromptRecord::prompt)
                .containsExactly(PromptState.CREATED, "job-elsewhere", "");
    }

    @Test
    void jobsTheHubForgets_areForgottenHereToo_andALaterLookUpOrFollowUpFindsTheirCreatesRow() {
        ledger = SqliteJobLedger.open(dir.resolve("bounded.ledger.db"));
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(200)), b -> b.ledger(ledger).maxJobs(3));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = h.create("job " + i);
            awaitState(id, PromptState.COMPLETED);
            ids.add(id);
        }
        // The hub keeps 3 ended jobs; what the ledger side remembers is bounded by that, not by every job ever.
        assertThat(h.gateway.hub().ledger().rememberedJobs()).isEqualTo(3);

        String first = ids.get(0);
        assertThat(h.get("/jobs/" + first, bearer()).statusCode()).isEqualTo(200);
        assertThat(h.post("/jobs/" + ids.get(1) + "/messages", "{\"prompt\":\"again\"}", bearer()).statusCode())
                .isEqualTo(200);

        // The forgotten jobs found their create's rows: no second row by id, and the follow-up reopened job 1's.
        assertThat(record(ids.get(1))).extracting(PromptRecord::prompt, PromptRecord::state)
                .containsExactly("job 1", PromptState.CREATED);
        awaitState(ids.get(1), PromptState.COMPLETED);
        List<PromptRecord> rows = ledger.find(Set.of()).collectList().block(TIMEOUT);
        assertThat(rows).hasSize(6).allMatch(r -> !r.recordedById());
        assertThat(h.gateway.hub().ledger().rememberedJobs()).isLessThanOrEqualTo(3);
    }

    @Test
    void restartedGateway_readsNoPromptButThoseOfTheInDoubtCreatesItLists() {
        Path file = dir.resolve("texts.ledger.db");
        ledger = SqliteJobLedger.open(file);
        JobLedger[] current = {ledger};
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(200)), b -> b.ledger(current[0]));
        for (int i = 0; i < 3; i++) {
            awaitState(h.create("ended " + i), PromptState.COMPLETED);
        }
        h.sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
        String longPrompt = "lost " + "x".repeat(GatewayLedger.PROMPT_SHOWN);
        assertThat(h.post("/jobs", "{\"prompt\":\"" + longPrompt + "\"}", bearer()).statusCode()).isEqualTo(502);

        h.gateway.close();
        ledger.close();
        CountingJobLedger counting = new CountingJobLedger(SqliteJobLedger.open(file));
        ledger = counting;
        current[0] = counting;
        h.restartGateway();

        assertThat(awaitListed(3)).hasSize(3);
        JsonNode inDoubt = GatewayHarness.json(h.get("/jobs", bearer()).body()).get("inDoubt");
        assertThat(inDoubt).extracting(d -> d.get("prompt").asText())
                .containsExactly(longPrompt.substring(0, GatewayLedger.PROMPT_SHOWN) + "…");
        assertThat(counting.promptsRead()).as("prompt texts read at start").isEqualTo(1);
    }

    @Test
    void lookUpThatFailed_leavesNoKeylessRow_soTheJobsFollowUpRecordsIt() {
        CountingJobLedger counting = new CountingJobLedger(SqliteJobLedger.open(dir.resolve("failing.ledger.db")));
        ledger = counting;
        h = new GatewayHarness(JobDurations.fixed(Duration.ofHours(1)), b -> b.ledger(counting));
        h.sim.putJob("p", "job-elsewhere", JobState.ACTIVE);
        counting.failLookUps(1);
        // The ledger's failure is not the caller's: the job is still shown.
        assertThat(h.get("/jobs/job-elsewhere", bearer()).statusCode()).isEqualTo(200);
        assertThat(ledger.get(GatewayLedger.BY_ID + "job-elsewhere").blockOptional(TIMEOUT)).isEmpty();

        assertThat(h.post("/jobs/job-elsewhere/messages", "{\"prompt\":\"again\"}", bearer()).statusCode())
                .isEqualTo(200);

        assertThat(ledger.get(GatewayLedger.BY_ID + "job-elsewhere").blockOptional(TIMEOUT))
                .as("the follow-up looked the job up again and recorded it")
                .hasValueSatisfying(r -> assertThat(r.state()).isEqualTo(PromptState.CREATED));
    }

    private void restartWithTheLedgerReopened(Path file, JobLedger[] current) {
        // The ledger closed and reopened from its file, as a new process would.
        h.gateway.close();
        ledger.close();
        ledger = SqliteJobLedger.open(file);
        current[0] = ledger;
        h.restartGateway();
    }

    /** The ids {@code /jobs} lists once it lists {@code count}: a resumed job is listed after its first poll. */
    private List<String> awaitListed(int count) {
        return Flux.interval(Duration.ofMillis(20)).onBackpressureDrop()
                .concatMap(i -> Mono.fromCallable(() -> {
                    List<String> ids = new ArrayList<>();
                    GatewayHarness.json(h.get("/jobs", bearer()).body()).get("jobs")
                            .forEach(j -> ids.add(j.get("id").asText()));
                    return ids;
                }).subscribeOn(Schedulers.boundedElastic()))
                .filter(ids -> ids.size() >= count).blockFirst(TIMEOUT);
    }

    private String createActiveForever() {
        // The simulator draws each job's duration at create; replace the job right after with one that stays active.
        String id = h.create("still running at the restart");
        h.sim.putJob("p", id, JobState.ACTIVE);
        return id;
    }

    private PromptRecord record(String jobId) {
        return ledger.find(Set.of()).filter(r -> jobId.equals(r.jobId())).blockFirst(TIMEOUT);
    }

    private void awaitState(String jobId, PromptState state) {
        Flux.interval(Duration.ofMillis(20)).onBackpressureDrop()
                .concatMap(i -> ledger.find(Set.of()).filter(r -> jobId.equals(r.jobId())).next())
                .filter(r -> r.state() == state).blockFirst(TIMEOUT);
    }
}
