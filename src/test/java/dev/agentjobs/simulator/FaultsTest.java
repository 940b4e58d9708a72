package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.simulator.MutableClock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private AgentJobsSimulator sim;
    private SimHttp http;

    private void start(Faults faults) {
        sim = AgentJobsSimulator.builder().apiKey(SimHttp.KEY).clock(clock).seed(3).faults(faults).build().start();
        http = new SimHttp(sim);
    }

    private void only(FaultKind kind) {
        start(Faults.none().ratio(kind, 1.0));
    }

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    @Test
    void error500And502_beforeCommit_createNoJob() throws Exception {
        for (FaultKind kind : new FaultKind[] {FaultKind.ERROR_500, FaultKind.ERROR_502}) {
            only(kind);
            HttpResponse<String> r = http.create("p", "x");
            assertThat(r.statusCode()).isEqualTo(kind == FaultKind.ERROR_500 ? 500 : 502);
            assertThat(new ObjectMapper().readTree(r.body()).get("error").asText()).isNotBlank();
            assertThat(sim.stats().creates()).isZero();
            assertThat(sim.stats().faults()).isEqualTo(1);
            sim.close();
        }
    }

    @Test
    void error503_carriesRetryAfter() throws Exception {
        start(Faults.none().ratio(FaultKind.ERROR_503, 1.0).retryAfter(Duration.ofSeconds(7)));
        HttpResponse<String> r = http.get("/v2/agent/p/job/x");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void burst429_rejectsNConsecutiveCallsOfThatProjectFromOneDraw() throws Exception {
        start(Faults.none().ratio(FaultKind.BURST_429, 1.0).burstLength(3));
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = http.get("/v2/agent/p/job/x");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        }
        assertThat(sim.stats().rejected429()).isEqualTo(3);
        assertThat(sim.stats().faults()).as("calls 2 and 3 belong to the burst, not to new draws").isEqualTo(1);
        assertThat(http.get("/v2/agent/q/job/x").statusCode()).isEqualTo(429);
        assertThat(sim.stats().faults()).as("another project draws on its own").isEqualTo(2);
    }

    @Test
    void closeConnection_beforeCommit_createsNoJob() throws Exception {
        only(FaultKind.CLOSE_CONNECTION);
        assertThatThrownBy(() -> http.create("p", "x")).isInstanceOf(IOException.class);
        assertThat(sim.stats().creates()).isZero();
        assertThat(sim.stats().faults()).isEqualTo(1);
    }

    @Test
    void closeAfterCommit_createsTheJobButAnswersNothing() throws Exception {
        only(FaultKind.CLOSE_AFTER_COMMIT);
        assertThatThrownBy(() -> http.create("p", "x")).isInstanceOf(IOException.class);
        assertThat(sim.stats().creates()).isEqualTo(1);
        assertThat(sim.stats().jobs()).isEqualTo(1);
    }

    @Test
    void error500AfterCommit_createsTheJobAndAnswers500() throws Exception {
        only(FaultKind.ERROR_500_AFTER_COMMIT);
        assertThat(http.create("p", "x").statusCode()).isEqualTo(500);
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void slowResponse_holdsTheAnswerBack() throws Exception {
        start(Faults.none().ratio(FaultKind.SLOW_RESPONSE, 1.0).slowDelay(Duration.ofMillis(300)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.create("p", "x");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(r.statusCode()).isEqualTo(201);
    }

    @Test
    void malformedJson_keepsSuccessStatusWithUnparseableBody() throws Exception {
        only(FaultKind.MALFORMED_JSON);
        HttpResponse<String> r = http.create("p", "x");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).startsWith("{");
        assertThatThrownBy(() -> new ObjectMapper().readTree(r.body())).isInstanceOf(IOException.class);
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void faultsAfterCommit_doNotMaskAnErrorAnswer() throws Exception {
        only(FaultKind.MALFORMED_JSON);
        HttpResponse<String> r = http.get("/v2/agent/p/job/missing");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(new ObjectMapper().readTree(r.body()).get("error").asText()).isNotBlank();
    }

    @Test
    void dripBody_actsThenDripsTheWholeBody() throws Exception {
        start(Faults.none().ratio(FaultKind.DRIP_BODY, 1.0).drip(100, Duration.ofMillis(100)));
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.create("p", "x");
        assertThat(r.statusCode()).isEqualTo(201);
        int pieces = (r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 99) / 100;
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(100L * pieces));
        assertThat(new ObjectMapper().readTree(r.body()).get("status").asText()).isEqualTo("active");
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void stallAfterHeaders_actsThenSendsNoBody_untilTheServerGivesUp() throws Exception {
        start(Faults.none().ratio(FaultKind.STALL_AFTER_HEADERS, 1.0).stallFor(Duration.ofMillis(200)));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> http.create("p", "x")).isInstanceOf(IOException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void uniform_neverPicksAHostileKind() {
        Faults f = Faults.uniform(1.0);
        for (FaultKind k : FaultKind.values()) {
            assertThat(f.ratio(k)).as(k.toString())
                    .isCloseTo(k.hostile() ? 0.0 : 1.0 / 9, org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThat(f.totalRatio()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void uniform_spreadsTheRatioAndTheSeedMakesItRepeatable() throws Exception {
        start(Faults.uniform(0.5).slowDelay(Duration.ZERO));
        long[] first = statuses();
        long faults = sim.stats().faults();
        assertThat(faults).isBetween(70L, 130L);
        sim.close();
        start(Faults.uniform(0.5).slowDelay(Duration.ZERO));
        assertThat(statuses()).containsExactly(first);
    }

    private long[] statuses() throws Exception {
        sim.putJob("p", "x", JobState.COMPLETED);
        long[] out = new long[200];
        SimHttp client = new SimHttp(sim);
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = client.get("/v2/agent/p/job/x").statusCode();
            } catch (IOException e) {
                out[i] = -1;
                client = new SimHttp(sim); // start clean after a dropped connection
            }
        }
        return out;
    }

    @Test
    void faults_validateRatiosAndSettings() {
        assertThatThrownBy(() -> Faults.uniform(1.2)).hasMessageContaining("1.2");
        assertThatThrownBy(() -> Faults.none().ratio(FaultKind.ERROR_500, 0.7).ratio(FaultKind.ERROR_502, 0.7))
                .hasMessageContaining("1.4");
        assertThatThrownBy(() -> Faults.none().burstLength(0)).hasMessageContaining("0");
        assertThatThrownBy(() -> Faults.none().slowDelay(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
        assertThatThrownBy(() -> Faults.none().drip(0, Duration.ofSeconds(1))).hasMessageContaining("0");
        assertThatThrownBy(() -> Faults.none().drip(1, Duration.ZERO)).hasMessageContaining("PT0S");
        assertThatThrownBy(() -> Faults.none().stallFor(Duration.ofHours(1))).hasMessageContaining("PT1H");
        Faults f = Faults.uniform(0.9);
        assertThat(f.totalRatio()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(f.ratio(FaultKind.ERROR_503)).as("spread over the 9 ordinary kinds")
                .isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Faults.none().pick(0.0)).isNull();
    }
}
