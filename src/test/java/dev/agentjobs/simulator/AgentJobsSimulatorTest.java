package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.simulator.AgentJobsSimulator.RetryAfterFormat;
import dev.agentjobs.simulator.MutableClock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentJobsSimulatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private AgentJobsSimulator sim;
    private SimHttp http;

    private AgentJobsSimulator.Builder builder() {
        return AgentJobsSimulator.builder().apiKey(SimHttp.KEY).clock(clock).seed(7)
                .durations(JobDurations.fixed(Duration.ofMinutes(2)));
    }

    private void start(AgentJobsSimulator.Builder b) {
        sim = b.build().start();
        http = new SimHttp(sim);
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void create_returns201WithActiveJobAtClockTime() throws Exception {
        start(builder());
        HttpResponse<String> r = http.create("proj", "fix the typo");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode job = json(r);
        assertThat(job.get("status").asText()).isEqualTo("active");
        assertThat(job.get("prLink").isNull()).isTrue();
        assertThat(job.get("archivedAt").isNull()).isTrue();
        assertThat(Instant.parse(job.get("createdAt").asText())).isEqualTo(T0);
        assertThat(job.get("source").get("repository").asText()).startsWith("https://github.com/");
        assertThat(job.get("model").asText()).isNotEmpty();
    }

    @Test
    void get_followsLifecycleByClock_activeThenCompletedWithPrLink() throws Exception {
        start(builder());
        String id = json(http.create("proj", "p")).get("id").asText();
        clock.advance(Duration.ofSeconds(119));
        assertThat(json(http.get("/v2/agent/proj/job/" + id)).get("status").asText()).isEqualTo("active");
        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> r = http.get("/v2/agent/proj/job/" + id);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("status").asText()).isEqualTo("completed");
        assertThat(json(r).get("prLink").asText()).matches("https://github\\.com/.+/pull/\\d+");
        assertThat(sim.stats().activeJobs()).isZero();
    }

    @Test
    void get_failRatioOne_endsFailedWithoutPrLink() throws Exception {
        start(builder().failRatio(1.0));
        String id = json(http.create("proj", "p")).get("id").asText();
        clock.advance(Duration.ofMinutes(3));
        JsonNode job = json(http.get("/v2/agent/proj/job/" + id));
        assertThat(job.get("status").asText()).isEqualTo("failed");
        assertThat(job.get("prLink").isNull()).isTrue();
    }

    @Test
    void get_unknownJobOrOtherProject_is404() throws Exception {
        start(builder());
        String id = json(http.create("proj", "p")).get("id").asText();
        assertThat(http.get("/v2/agent/proj/job/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> other = http.get("/v2/agent/other/job/" + id);
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(json(other).get("error").asText()).isNotBlank();
    }

    @Test
    void message_makesCompletedJobActiveAgain_thenItEndsAgain() throws Exception {
        start(builder());
        String id = json(http.create("proj", "p")).get("id").asText();
        clock.advance(Duration.ofMinutes(2));
        HttpResponse<String> m = http.post("/v2/agent/proj/job/" + id + "/message", "{\"prompt\":\"more\"}");
        assertThat(m.statusCode()).isEqualTo(200);
        assertThat(json(m).get("status").asText()).isEqualTo("active");
        assertThat(json(m).get("prLink").isNull()).isTrue();
        clock.advance(Duration.ofMinutes(2));
        assertThat(json(http.get("/v2/agent/proj/job/" + id)).get("status").asText()).isEqualTo("completed");
        assertThat(sim.stats().messages()).isEqualTo(1);
    }

    @Test
    void message_unknownJob404_archivedJob400() throws Exception {
        start(builder());
        assertThat(http.post("/v2/agent/proj/job/ghost/message", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(404);
        sim.putJob("proj", "old", JobState.COMPLETED);
        assertThat(sim.archive("old")).isTrue();
        assertThat(http.post("/v2/agent/proj/job/old/message", "{\"prompt\":\"x\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void badBodies_are400() throws Exception {
        start(builder());
        for (String body : new String[] {"", "{}", "{\"prompt\":\"\"}", "{\"prompt\":5}", "{\"prompt\":null}",
                "not json", "{\"prompt\":\"x\"} trailing", "[\"prompt\"]"}) {
            HttpResponse<String> r = http.send("POST", "/v2/agent/proj/job", body, SimHttp.KEY);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(json(r).get("error").asText()).isNotBlank();
        }
        assertThat(sim.stats().creates()).isZero();
        assertThat(sim.stats().badRequests()).isEqualTo(8);
    }

    @Test
    void auth_missingOrWrongKeyIs401_andNeverEchoesAKey() throws Exception {
        start(builder());
        HttpResponse<String> none = http.send("GET", "/v2/agent/proj/job/x", null, null);
        HttpResponse<String> wrong = http.send("POST", "/v2/agent/proj/job", "{\"prompt\":\"p\"}", "mint_wrong");
        HttpResponse<String> prefix = http.send("GET", "/v2/agent/proj/job/x", null, SimHttp.KEY + "x");
        for (HttpResponse<String> r : java.util.List.of(none, wrong, prefix)) {
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).doesNotContain(SimHttp.KEY).doesNotContain("mint_wrong");
            assertThat(json(r).get("error").asText()).isNotBlank();
        }
        assertThat(sim.stats().unauthorized()).isEqualTo(3);
        assertThat(sim.stats().creates()).isZero();
        assertThat(sim.toString()).doesNotContain(SimHttp.KEY);
    }

    @Test
    void routing_unknownPath404_wrongMethod405_withJsonErrors() throws Exception {
        start(builder());
        HttpResponse<String> unknown = http.get("/v1/agent/proj/job");
        HttpResponse<String> deeper = http.get("/v2/agent/proj/job/a/b");
        HttpResponse<String> getOnCreate = http.get("/v2/agent/proj/job");
        HttpResponse<String> postOnGet = http.post("/v2/agent/proj/job/x", "{\"prompt\":\"p\"}");
        HttpResponse<String> deleteJob = http.send("DELETE", "/v2/agent/proj/job/x", null, SimHttp.KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(deeper.statusCode()).isEqualTo(404);
        assertThat(getOnCreate.statusCode()).isEqualTo(405);
        assertThat(postOnGet.statusCode()).isEqualTo(405);
        assertThat(deleteJob.statusCode()).isEqualTo(405);
        for (HttpResponse<String> r : java.util.List.of(unknown, deeper, getOnCreate, postOnGet, deleteJob)) {
            assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(json(r).get("error").asText()).isNotBlank();
        }
    }

    @Test
    void projects_restricted_othersAre404() throws Exception {
        start(builder().projects(Set.of("good")));
        assertThat(http.create("good", "p").statusCode()).isEqualTo(201);
        assertThat(http.create("bad", "p").statusCode()).isEqualTo(404);
    }

    @Test
    void createLimit_answers429WithRetryAfterUntilASlotFrees() throws Exception {
        start(builder().createLimit(RateLimit.parse("2/1m")));
        assertThat(http.create("proj", "a").statusCode()).isEqualTo(201);
        clock.advance(Duration.ofSeconds(20));
        assertThat(http.create("proj", "b").statusCode()).isEqualTo(201);
        HttpResponse<String> limited = http.create("proj", "c");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("40");
        assertThat(json(limited).get("error").asText()).isNotBlank();
        assertThat(http.create("other", "c").statusCode()).as("limits are per project").isEqualTo(201);
        clock.advance(Duration.ofSeconds(39));
        assertThat(http.create("proj", "c").headers().firstValue("Retry-After")).hasValue("1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(http.create("proj", "c").statusCode()).isEqualTo(201);
        assertThat(sim.stats().rejected429()).isEqualTo(2);
    }

    @Test
    void messageLimit_isSeparateFromCreateLimit_andHttpDateFormatWorks() throws Exception {
        start(builder().createLimit(RateLimit.none()).messageLimit(RateLimit.perWindow(1, Duration.ofHours(1)))
                .retryAfterFormat(RetryAfterFormat.HTTP_DATE));
        String id = json(http.create("proj", "p")).get("id").asText();
        http.create("proj", "q");
        String path = "/v2/agent/proj/job/" + id + "/message";
        assertThat(http.post(path, "{\"prompt\":\"1\"}").statusCode()).isEqualTo(200);
        HttpResponse<String> limited = http.post(path, "{\"prompt\":\"2\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        String date = limited.headers().firstValue("Retry-After").orElseThrow();
        assertThat(ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant())
                .isEqualTo(T0.plus(Duration.ofHours(1)));
    }

    @Test
    void awkwardIds_arePercentDecodedAsOneSegment() throws Exception {
        start(builder());
        String id = "a b/c?d#e%f+g";
        sim.putJob("my proj", id, JobState.FAILED);
        HttpResponse<String> r = http.get("/v2/agent/my%20proj/job/a%20b%2Fc%3Fd%23e%25f+g");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("id").asText()).isEqualTo(id);
        assertThat(json(r).get("status").asText()).isEqualTo("failed");
        RecordedRequest rec = sim.takeRequest(Duration.ofSeconds(2));
        assertThat(rec.pathParams()).containsEntry("projectId", "my proj").containsEntry("id", id);
        assertThat(rec.callKind()).isEqualTo(CallKind.GET);
    }

    @Test
    void putJob_andArchive_controlStatusFromJava() throws Exception {
        start(builder());
        sim.putJob("p", "j1", JobState.ACTIVE);
        assertThat(sim.jobState("p", "j1")).hasValue(JobState.ACTIVE);
        clock.advance(Duration.ofMinutes(2));
        assertThat(sim.jobState("p", "j1")).hasValue(JobState.COMPLETED);
        clock.advance(Duration.ofMinutes(1));
        assertThat(sim.archive("p", "j1")).isTrue();
        JsonNode job = json(http.get("/v2/agent/p/job/j1"));
        assertThat(job.get("status").asText()).isEqualTo("archived");
        assertThat(Instant.parse(job.get("archivedAt").asText())).isEqualTo(T0.plus(Duration.ofMinutes(3)));
        assertThat(job.get("prLink").isNull()).as("a completed job keeps its PR when archived").isFalse();
        assertThat(sim.archive("p", "missing")).isFalse();
    }

    @Test
    void stats_countCallsAndDuplicatePrompts_overHttpWithoutKey() throws Exception {
        start(builder());
        http.create("p", "same");
        String id = json(http.create("p", "same")).get("id").asText();
        http.create("p", "different");
        http.get("/v2/agent/p/job/" + id);
        http.post("/v2/agent/p/job/" + id + "/message", "{\"prompt\":\"m\"}");
        HttpResponse<String> r = http.send("GET", "/_sim/stats", null, null);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode s = json(r);
        assertThat(s.get("creates").asLong()).isEqualTo(3);
        assertThat(s.get("gets").asLong()).isEqualTo(1);
        assertThat(s.get("messages").asLong()).isEqualTo(1);
        assertThat(s.get("maxCreatesForOnePrompt").asInt()).isEqualTo(2);
        assertThat(s.get("activeJobs").asLong()).isEqualTo(3);
        assertThat(s.get("requests").asLong()).isEqualTo(6);
        for (String field : new String[] {"rejected429", "faults", "unauthorized"}) {
            assertThat(s.get(field).asLong()).as(field).isZero();
        }
        assertThat(sim.stats().maxCreatesForOnePrompt()).isEqualTo(2);
    }

    @Test
    void requests_areRecordedWithoutAuthorization() throws Exception {
        start(builder());
        http.create("proj", "hello");
        RecordedRequest r = sim.takeRequest();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.rawPath()).isEqualTo("/v2/agent/proj/job");
        assertThat(r.callKind()).isEqualTo(CallKind.CREATE);
        assertThat(r.body()).isEqualTo("{\"prompt\":\"hello\"}");
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.headers()).doesNotContainKey("authorization");
        assertThat(r.toString()).doesNotContain(SimHttp.KEY);
        assertThat(sim.takeRequest(Duration.ofMillis(50))).isNull();
    }

    @Test
    void requestLog_keepsOnlyTheLatest() throws Exception {
        start(builder().recordRequests(2));
        for (int i = 0; i < 4; i++) {
            http.get("/v2/agent/p/job/j" + i);
        }
        assertThat(sim.requests()).extracting(RecordedRequest::rawPath)
                .containsExactly("/v2/agent/p/job/j2", "/v2/agent/p/job/j3");
        assertThat(sim.takeRequest().rawPath()).isEqualTo("/v2/agent/p/job/j2");
    }

    @Test
    void close_freesThePort_andIsIdempotent() throws Exception {
        start(builder());
        int port = sim.port();
        sim.close();
        sim.close();
        AgentJobsSimulator again = builder().port(port).build().start();
        try {
            assertThat(again.port()).isEqualTo(port);
        } finally {
            again.close();
        }
        assertThatThrownBy(() -> sim.port()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builder_rejectsBadValues_namingThem() {
        assertThatThrownBy(() -> AgentJobsSimulator.builder().port(70000)).hasMessageContaining("70000");
        assertThatThrownBy(() -> AgentJobsSimulator.builder().failRatio(1.5)).hasMessageContaining("1.5");
        assertThatThrownBy(() -> AgentJobsSimulator.builder().eventLoopThreads(0)).hasMessageContaining("0");
        assertThatThrownBy(() -> AgentJobsSimulator.builder().apiKey("mint secret"))
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> AgentJobsSimulator.builder().build()).hasMessageContaining("apiKey");
    }
}
