package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AgentJobsSimulator sim;
    private SimHttp http;

    @BeforeEach
    void start() {
        // Random faults on every request prove that a scripted response comes first.
        sim = AgentJobsSimulator.builder().apiKey(SimHttp.KEY)
                .faults(Faults.none().ratio(FaultKind.ERROR_500, 1.0)).build().start();
        http = new SimHttp(sim);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void respond_sendsStatusBodyAndHeaders_beforeAnyRandomFault() throws Exception {
        sim.enqueue(SimulatedResponse.respond(503, "{\"error\":\"busy\"}").withHeader("Retry-After", "9"));
        HttpResponse<String> r = http.get("/v2/agent/p/job/x");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("{\"error\":\"busy\"}");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("9");
        assertThat(http.get("/v2/agent/p/job/x").statusCode()).as("queue is empty again").isEqualTo(500);
        assertThat(sim.stats().scripted()).isEqualTo(1);
    }

    @Test
    void enqueueForKind_waitsForThatCall() throws Exception {
        sim.enqueue(CallKind.MESSAGE, SimulatedResponse.respond(429, "{\"error\":\"slow down\"}"));
        sim.enqueue(SimulatedResponse.respond(418, "{\"error\":\"teapot\"}"));
        assertThat(http.get("/v2/agent/p/job/x").statusCode()).isEqualTo(418);
        assertThat(http.post("/v2/agent/p/job/x/message", "{\"prompt\":\"m\"}").statusCode()).isEqualTo(429);
    }

    @Test
    void closeConnection_createsNothing_commitThenClose_createsTheJob() throws Exception {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.closeConnection());
        assertThatThrownBy(() -> http.create("p", "x")).isInstanceOf(IOException.class);
        assertThat(sim.stats().creates()).isZero();
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
        assertThatThrownBy(() -> new SimHttp(sim).create("p", "x")).isInstanceOf(IOException.class);
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void commitThenRespond_createsTheJobButAnswersTheScript() throws Exception {
        sim.enqueue(SimulatedResponse.commitThenRespond(504, "{\"error\":\"gateway timeout\"}"));
        assertThat(http.create("p", "x").statusCode()).isEqualTo(504);
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void commitThenRespond_onAnInvalidCall_answersTheRealError() throws Exception {
        sim.enqueue(SimulatedResponse.commitThenRespond(201, "{}"));
        assertThat(http.post("/v2/agent/p/job", "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void delayed_answersNormallyAfterTheDelay() throws Exception {
        sim.enqueue(SimulatedResponse.delayed(Duration.ofMillis(250)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.create("p", "x");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(r.statusCode()).isEqualTo(201);
    }

    @Test
    void factories_validate() {
        assertThatThrownBy(() -> SimulatedResponse.respond(99, "")).hasMessageContaining("99");
        assertThatThrownBy(() -> SimulatedResponse.delayed(Duration.ofSeconds(-2))).hasMessageContaining("PT-2S");
        assertThatThrownBy(() -> SimulatedResponse.redirect(200, "/x")).hasMessageContaining("200");
        assertThatThrownBy(() -> SimulatedResponse.redirect(302, "/x\r\nSet-Cookie: a=b"))
                .hasMessageContaining("CR, LF");
        assertThatThrownBy(() -> SimulatedResponse.normal().withBodyDrip(0, Duration.ofSeconds(1)))
                .hasMessageContaining("0");
        assertThatThrownBy(() -> SimulatedResponse.normal().withBodyDrip(1, Duration.ofMinutes(11)))
                .hasMessageContaining("PT11M");
        assertThatThrownBy(() -> SimulatedResponse.normal().withStallAfterHeaders(Duration.ZERO))
                .hasMessageContaining("PT0S");
    }

    // ---- the hostile server ----

    @Test
    void closeConnection_readsTheWholeRequestBodyBeforeClosing() throws Exception {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.closeConnection());
        assertThatThrownBy(() -> http.create("p", "all-of-it")).isInstanceOf(IOException.class);
        assertThat(sim.takeRequest().body()).isEqualTo("{\"prompt\":\"all-of-it\"}");
    }

    @Test
    void withBodyDrip_sendsHeadersAtOnce_thenTheBodyPieceByPiece() throws Exception {
        sim.putJob("p", "j1", JobState.COMPLETED);
        Duration interval = Duration.ofMillis(250);
        sim.enqueue(CallKind.GET, SimulatedResponse.normal().withBodyDrip(120, interval));
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.getStream("/v2/agent/p/job/j1");
        Duration headers = Duration.ofNanos(System.nanoTime() - t0);
        byte[] body;
        try (InputStream in = r.body()) {
            body = in.readAllBytes();
        }
        Duration whole = Duration.ofNanos(System.nanoTime() - t0);
        int length = Integer.parseInt(r.headers().firstValue("Content-Length").orElseThrow());
        int pieces = (length + 119) / 120;
        assertThat(pieces).isGreaterThanOrEqualTo(2);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(headers).as("status line and headers come before the first piece").isLessThan(interval);
        assertThat(whole).isGreaterThanOrEqualTo(interval.multipliedBy(pieces));
        assertThat(body).hasSize(length);
        assertThat(JSON.readTree(body).get("id").asText()).isEqualTo("j1");
    }

    @Test
    void withStallAfterHeaders_sendsHeadersThenNothing_andClosesAtTheBound() throws Exception {
        sim.putJob("p", "j1", JobState.COMPLETED);
        Duration bound = Duration.ofMillis(300);
        sim.enqueue(CallKind.GET, SimulatedResponse.normal().withStallAfterHeaders(bound));
        long t0 = System.nanoTime();
        HttpResponse<InputStream> r = http.getStream("/v2/agent/p/job/j1");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(bound);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Length")).isPresent();
        try (InputStream in = r.body()) {
            assertThatThrownBy(in::readAllBytes).isInstanceOf(IOException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(bound);
    }

    @Test
    void withTerminalEscapes_putsCsiAndOscIntoIdPrLinkAndModel() throws Exception {
        sim.putJob("p", "j1", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, SimulatedResponse.normal().withTerminalEscapes());
        JsonNode job = JSON.readTree(http.get("/v2/agent/p/job/j1").body());
        assertThat(job.get("id").asText()).contains(SimulatedResponse.CSI_CLEAR_SCREEN);
        assertThat(job.get("prLink").asText()).contains(SimulatedResponse.OSC_SET_TITLE);
        assertThat(job.get("model").asText()).contains("\u001b[2J").contains("\u001b]0;").endsWith("\u0007");
        assertThat(job.get("status").asText()).as("the rest of the job is the real one").isEqualTo("active");
    }

    @Test
    void withCallerKeyIn_echoesTheBearerKeyInThatField_onlyInTheAnswer() throws Exception {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.normal().withCallerKeyIn("prLink"));
        HttpResponse<String> r = http.create("p", "x");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).get("prLink").asText()).isEqualTo(SimHttp.KEY);
        assertThat(sim.stats().creates()).as("the job was created as usual").isEqualTo(1);
        assertThat(SimulatedResponse.normal().withCallerKeyIn("model").toString()).doesNotContain(SimHttp.KEY);
    }

    @Test
    void withJobField_answersAStatusTheSpecDoesNotList_withoutChangingTheStoredJob() throws Exception {
        sim.putJob("p", "j1", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, SimulatedResponse.normal().withJobField("status", "queued"));
        assertThat(JSON.readTree(http.get("/v2/agent/p/job/j1").body()).get("status").asText()).isEqualTo("queued");
        assertThat(sim.jobState("p", "j1")).hasValue(JobState.ACTIVE);
    }

    @Test
    void withJobField_leavesAnErrorAnswerAlone() throws Exception {
        sim.enqueue(CallKind.GET, SimulatedResponse.normal().withJobField("status", "queued"));
        HttpResponse<String> r = http.get("/v2/agent/p/job/missing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).doesNotContain("queued");
    }

    @Test
    void redirect_answers3xxWithLocation_andActsOnNothing() throws Exception {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.redirect(307, "http://127.0.0.1:1/v2/agent/p/job"));
        HttpResponse<String> r = http.create("p", "x");
        assertThat(r.statusCode()).isEqualTo(307);
        assertThat(r.headers().firstValue("Location")).hasValue("http://127.0.0.1:1/v2/agent/p/job");
        assertThat(sim.stats().creates()).isZero();
    }
}
