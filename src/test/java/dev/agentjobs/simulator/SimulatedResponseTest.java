package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SimulatedResponseTest {

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
    }
}
