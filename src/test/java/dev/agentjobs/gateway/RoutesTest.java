package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/** The routes in front of a hub that fails: what a failure must not leave behind. */
class RoutesTest {

    private static final String TOKEN = "tok_routes_test_0123456789";

    private final AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(GatewayHarness.KEY).build().start();
    private final AgentJobsClient client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p")
            .apiKey(ApiKey.of(GatewayHarness.KEY)).build();
    private final JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100)))
            .build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private DisposableServer server;

    @AfterEach
    void stop() {
        try {
            if (server != null) {
                server.disposeNow(Duration.ofSeconds(10));
            }
        } finally {
            watcher.dispose();
            client.close();
            sim.close();
        }
    }

    @Test
    void jobStream_whoseOpeningThrows_givesItsStreamSlotBack() throws Exception {
        sim.putJob("p", "job-1", JobState.ACTIVE);
        JobHub failing = new JobHub(watcher, "e1", 100, 16, 100, null) {
            @Override
            Opened openJob(JobChannel c, EventId last) {
                throw new IllegalStateException("the hub failed while opening the stream");
            }
        };
        Settings settings = new Settings("127.0.0.1", 0, true, Set.of(), 64 * 1024, 1, Duration.ofSeconds(15),
                Duration.ofSeconds(2), Duration.ofSeconds(60), 100, 16, 100, 50, false);
        Routes routes = new Routes(settings, failing, new Auth(Set.of(TOKEN), Duration.ofHours(1), Clock.systemUTC()),
                new Dashboard(), Schedulers.parallel(), "in-memory");
        server = HttpServer.create().host("127.0.0.1").port(0).handle(routes::handle).bindNow(TIMEOUT);

        // One stream per token: a slot kept by the first failure would turn the second request into a 429.
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/jobs/job-1/events"))
                    .header("Authorization", "Bearer " + TOKEN).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isNotEqualTo(429).isGreaterThanOrEqualTo(500);
        }
        assertThat(routes.openStreams()).isZero();
        failing.close();
    }
}
