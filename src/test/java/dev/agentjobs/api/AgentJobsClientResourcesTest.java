package dev.agentjobs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.RateLimit;
import dev.agentjobs.simulator.RecordedRequest;
import dev.agentjobs.simulator.SimulatedResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/** What an embedding application lends a client (customizer, loops, pool), over loopback against the simulator. */
class AgentJobsClientResourcesTest {

    private static final String KEY = "mint_resources_secret_51c0";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private AgentJobsSimulator sim;
    private final List<AgentJobsClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startSimulator() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).createLimit(RateLimit.none()).recordRequests(100).build()
                .start();
    }

    @AfterEach
    void stop() {
        clients.forEach(AgentJobsClient::close);
        sim.close();
    }

    private AgentJobsClient.Builder builder() {
        return AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p").apiKey(ApiKey.of(KEY))
                .retryPolicy(CallRetryPolicy.none());
    }

    private AgentJobsClient track(AgentJobsClient c) {
        clients.add(c);
        return c;
    }

    @Test
    void customizer_addsHeadersAndHooks_butCannotFollowRedirectsResendOrDropTheKey() throws Exception {
        List<String> hooked = new CopyOnWriteArrayList<>();
        AgentJobsClient client = track(builder().httpClientCustomizer(http -> http
                        .headers(h -> h.set("X-App", "embedded").remove("Authorization"))
                        .followRedirect(true)
                        .disableRetry(false)
                        .doOnRequest((req, conn) -> hooked.add(req.method() + " " + req.uri())))
                .build());

        Job job = client.create("write the changelog").block(WAIT);
        RecordedRequest create = sim.takeRequest(WAIT);
        assertThat(create.header("X-App")).isEqualTo("embedded");
        // The simulator answered 201: the key went out although the customizer removed the header.
        assertThat(job.id()).isNotBlank();
        assertThat(hooked).singleElement().asString().startsWith("POST ");

        sim.enqueue(CallKind.GET, SimulatedResponse.redirect(302, sim.baseUrl() + "/elsewhere"));
        assertThatThrownBy(() -> client.get(job.id()).block(WAIT)).isInstanceOf(AgentJobsException.class)
                .hasMessageContaining("/elsewhere");
        assertThat(sim.takeRequest(WAIT).method()).isEqualTo("GET");
        assertThat(sim.takeRequest(Duration.ofMillis(300))).as("the redirect is not followed").isNull();
    }

    @Test
    void customizer_thatSwapsThePool_isRefusedAtBuild() {
        ConnectionProvider other = ConnectionProvider.create("other", 1);
        try {
            assertThatThrownBy(() -> builder().httpClientCustomizer(http -> HttpClient.create(other)).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionProvider");
            assertThatThrownBy(() -> builder().httpClientCustomizer(http -> null).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returned null");
        } finally {
            other.dispose();
        }
    }

    @Test
    void lentLoopsAndPool_carryTheRequests_andOutliveTheClientsThatBorrowedThem() {
        LoopResources loops = LoopResources.create("app-loop", 1, true);
        ConnectionProvider pool = ConnectionProvider.builder("app-pool").maxConnections(8).build();
        try {
            List<String> threads = new CopyOnWriteArrayList<>();
            AgentJobsClient first = builder().loopResources(loops).connectionProvider(pool)
                    .listener(new AgentJobsListener() {
                        @Override
                        public void requestStarted(ApiCall call, String jobId) {
                            threads.add(Thread.currentThread().getName());
                        }
                    }).build();
            Job job = first.create("first").block(WAIT);
            String seenOn = first.get(job.id())
                    .map(j -> Thread.currentThread().getName()).block(WAIT);
            assertThat(seenOn).startsWith("app-loop");
            assertThat(first.toString()).contains("loopResources=lent", "connectionProvider=lent")
                    .doesNotContain(KEY);

            first.close();
            assertThat(loops.isDisposed()).as("lent loops survive the client").isFalse();
            assertThat(pool.isDisposed()).as("lent pool survives the client").isFalse();

            AgentJobsClient second = track(builder().loopResources(loops).connectionProvider(pool).build());
            assertThat(second.get(job.id()).block(WAIT).id()).isEqualTo(job.id());
            assertThat(threads).isNotEmpty();
        } finally {
            pool.disposeLater().block(WAIT);
            loops.disposeLater(Duration.ZERO, WAIT).block(WAIT);
        }
    }

    @Test
    void ownLoopsAndPool_areDisposedWithTheClient() {
        AgentJobsClient client = builder().build();
        String thread = client.create("own").map(j -> Thread.currentThread().getName()).block(WAIT);
        assertThat(thread).startsWith("agentjobs-http");
        client.close();
        assertThat(client.isDisposed()).isTrue();
        assertThatThrownBy(() -> client.create("after close").block(WAIT))
                .isInstanceOf(ClientClosedException.class);
    }
}
