package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.RateLimit;
import io.netty.handler.logging.LogLevel;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** A wiretap turned on through the customizer logs the traffic without the API key. */
class RedactingWiretapTest {

    private static final String KEY = "mint_wiretap_secret_8d2f41";

    @Test
    void redact_cutsTheKeyAndItsPiecesAtTheEdges_andLeavesOtherText() {
        RedactingWiretap w = new RedactingWiretap(LogLevel.DEBUG, ApiKey.of(KEY));
        assertThat(w.redact("Authorization: Bearer " + KEY + "\r\nAccept: */*"))
                .isEqualTo("Authorization: Bearer [REDACTED]\r\nAccept: */*");
        assertThat(w.redact("Authorization: Bearer mint_wire")).isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(w.redact("ret_8d2f41\r\nAccept: */*")).isEqualTo("[REDACTED]\r\nAccept: */*");
        assertThat(w.redact("HTTP/1.1 200 OK\r\nmin")).as("a piece too short to tell").endsWith("\nmin");
        assertThat(w.redact("HTTP/1.1 200 OK\r\nmint")).endsWith("\n[REDACTED]");
        assertThat(w.redact("")).isEmpty();
    }

    @Test
    void aWiretapTurnedOnByTheCustomizer_logsTheRequest_withoutTheKey() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger(HttpClient.class.getName());
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Level before = jul.getLevel();
        InternalLoggerFactory nettyLogging = InternalLoggerFactory.getDefaultFactory();
        // The suite logs through slf4j-nop, which would never ask the handler to format anything: for this test the
        // wiretap's logger is a JDK one (taken when the handler is made) that keeps what it is given.
        InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
        jul.setLevel(Level.ALL);
        jul.addHandler(capture);
        try (AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(KEY).createLimit(RateLimit.none()).build()
                .start();
             AgentJobsClient client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p")
                     .apiKey(ApiKey.of(KEY)).httpClientCustomizer(http -> http.wiretap(true)).build()) {
            client.create("log me").block(Duration.ofSeconds(10));
        } finally {
            InternalLoggerFactory.setDefaultFactory(nettyLogging);
            jul.removeHandler(capture);
            jul.setLevel(before);
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("POST /v2/agent/p/job")
                .contains("Bearer [REDACTED]"));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(KEY));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains("secret_8d2f"));
    }
}
