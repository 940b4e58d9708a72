package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static dev.agentjobs.gateway.GatewayHarness.bearer;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.SimulatedResponse;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the gateway tells what happens upstream: outages, follow-ups, the list of jobs. */
class GatewayUpstreamTest {

    private GatewayHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void upstreamOutage_keepsTheStreamOpen_andSaysTheJobIsBeingRetried_thenResumes() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(1500)), b -> b);
        String id = h.create("survive an outage");
        for (int i = 0; i < 4; i++) {
            h.sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"down\"}"));
        }

        List<SseEvent> events = h.stream("/jobs/" + id + "/events", null).collectList().block(TIMEOUT);

        assertThat(events).extracting(SseEvent::event).containsSubsequence("created", "retrying", "resumed",
                "terminal");
        SseEvent retrying = events.stream().filter(e -> e.event().equals("retrying")).findFirst().orElseThrow();
        assertThat(retrying.id()).isNull();
        JsonNode data = GatewayHarness.json(retrying.data());
        assertThat(data.get("jobId").asText()).isEqualTo(id);
        assertThat(data.get("reason").asText()).isEqualTo("the API is unavailable");
        assertThat(events).filteredOn(e -> e.id() != null).extracting(SseEvent::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void streamOfAJobNotYetKnown_opensDuringAnOutage_saysItIsRetrying_thenTellsTheJob() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b);
        h.sim.putJob("p", "job_during_outage", dev.agentjobs.simulator.JobState.COMPLETED);
        for (int i = 0; i < 3; i++) {
            h.sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"down\"}"));
        }

        List<SseEvent> events = h.stream("/jobs/job_during_outage/events", null).collectList().block(TIMEOUT);

        assertThat(events).extracting(SseEvent::event).first().isEqualTo("retrying");
        assertThat(events).extracting(SseEvent::event).containsSubsequence("retrying", "resumed", "terminal");
        assertThat(events).filteredOn(e -> e.id() != null).extracting(SseEvent::seq).startsWith(1L);
    }

    @Test
    void eventStream_isServedAsTheStandardSaysProxiesNeedIt() throws Exception {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b);
        HttpResponse<java.io.InputStream> r = h.send(h.request("/events", bearer()).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = r.body()) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
            assertThat(r.headers().firstValue("X-Accel-Buffering")).hasValue("no");
        }
    }

    @Test
    void followUpMessage_reopensAJobThatEnded_andANewStreamFollowsItToItsNextEnd() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(400)), b -> b);
        String id = h.create("first pass");
        List<SseEvent> first = h.stream("/jobs/" + id + "/events", null).collectList().block(TIMEOUT);
        String terminalId = first.get(first.size() - 1).id();

        HttpResponse<String> sent = h.post("/jobs/" + id + "/messages", "{\"prompt\":\"and the changelog\"}",
                bearer());
        assertThat(sent.statusCode()).isEqualTo(200);
        assertThat(GatewayHarness.json(sent.body()).get("status").asText()).isEqualTo("active");

        List<SseEvent> again = h.stream("/jobs/" + id + "/events", terminalId).collectList().block(TIMEOUT);
        assertThat(again).extracting(SseEvent::event).first().isEqualTo("status_changed");
        assertThat(GatewayHarness.json(again.get(0).data()).get("previous").asText()).isEqualTo("completed");
        assertThat(again).extracting(SseEvent::event).last().isEqualTo("terminal");
        assertThat(again.get(0).seq()).isEqualTo(first.size() + 1L);
        assertThat(h.sim.stats().messages()).isEqualTo(1);
    }

    @Test
    void jobsList_isNewestFirst_inBoundedPages_andGetAJobAnswersFromTheWatch() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b);
        String a = h.create("a");
        String b = h.create("b");
        String c = h.create("c");

        JsonNode page1 = GatewayHarness.json(h.get("/jobs?limit=2", bearer()).body());
        assertThat(page1.get("jobs")).extracting(j -> j.get("id").asText()).containsExactly(c, b);
        JsonNode page2 = GatewayHarness.json(h.get(page1.get("next").asText(), bearer()).body());
        assertThat(page2.get("jobs")).extracting(j -> j.get("id").asText()).containsExactly(a);
        assertThat(page2.get("next").isNull()).isTrue();
        assertThat(h.get("/jobs?limit=500", bearer()).statusCode()).isEqualTo(400);

        // A job the gateway did not create is found (and from then on watched) by its id.
        h.sim.putJob("p", "job_elsewhere", dev.agentjobs.simulator.JobState.COMPLETED);
        HttpResponse<String> got = h.get("/jobs/job_elsewhere", bearer());
        assertThat(got.statusCode()).isEqualTo(200);
        assertThat(GatewayHarness.json(got.body()).get("status").asText()).isEqualTo("completed");
        assertThat(GatewayHarness.json(h.get("/jobs", bearer()).body()).get("jobs"))
                .extracting(j -> j.get("id").asText()).containsExactly("job_elsewhere", c, b, a);
    }

    @Test
    void healthz_saysTheGatewayIsInMemoryWithoutALedger() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b);
        JsonNode health = GatewayHarness.json(h.get("/healthz", java.util.Map.of()).body());
        assertThat(health.get("status").asText()).isEqualTo("ok");
        assertThat(health.get("storage").asText()).startsWith("in-memory");
    }
}
