package dev.agentjobs.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.api.UnexpectedResponseException;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.SimulatedResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A server that answers with a redirect (issue 9, item 10): the client never follows it (a POST would go
 * elsewhere with the key in its header), and its error names where the server pointed, made safe to print.
 */
class HostileRedirectsTest {

    private static final String KEY = "mint_hostile_redirects_key_2";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private AgentJobsSimulator sim;
    private AgentJobsClient client;

    @BeforeEach
    void start() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).build().start();
        client = AgentJobsClient.builder().baseUrl(sim.url()).projectId("p").apiKey(ApiKey.of(KEY))
                .retryPolicy(CallRetryPolicy.exponential(3, Duration.ofMillis(10))).build();
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    private static AgentJobsException failure(Mono<?> call) {
        Throwable t = call.then(Mono.<Throwable>empty()).onErrorResume(Mono::just).block(WAIT);
        assertThat(t).isInstanceOf(AgentJobsException.class);
        return (AgentJobsException) t;
    }

    @Test
    void create_onARedirect_isNotFollowed_andTheErrorNamesTheLocation() {
        String elsewhere = sim.baseUrl() + "/v2/agent/other/job";
        sim.enqueue(CallKind.CREATE, SimulatedResponse.redirect(307, elsewhere));
        AgentJobsException e = failure(client.create("hi"));
        assertThat(e).isExactlyInstanceOf(UnexpectedResponseException.class)
                .hasMessageStartingWith("POST job: HTTP 307").hasMessageContaining("'" + elsewhere + "'")
                .hasMessageContaining("not followed");
        assertThat(e.httpStatus()).isEqualTo(307);
        assertThat(sim.stats().requests()).as("one request, to the API only").isEqualTo(1);
        assertThat(sim.stats().creates()).isZero();
    }

    @Test
    void get_onARedirect_isNotFollowedNorRetried() {
        sim.putJob("p", "j1", JobState.COMPLETED);
        sim.enqueue(CallKind.GET, SimulatedResponse.redirect(302, "/v2/agent/p/job/j1"));
        AgentJobsException e = failure(client.get("j1"));
        assertThat(e).isExactlyInstanceOf(UnexpectedResponseException.class)
                .hasMessage("GET job 'j1': HTTP 302: redirect to '/v2/agent/p/job/j1', not followed");
        assertThat(sim.stats().gets()).isEqualTo(1);
    }

    @Test
    void theLocationInTheError_losesItsUserInfo_andIsTruncated() {
        String longPath = "/x".repeat(3000);
        sim.enqueue(CallKind.GET, SimulatedResponse.redirect(301,
                "https://admin:hunter2@evil.example:8443" + longPath));
        String message = failure(client.get("j1")).getMessage();
        assertThat(message).contains("'https://evil.example:8443/x/x").doesNotContain("hunter2")
                .doesNotContain("admin");
        assertThat(message.length()).isLessThan(400);
    }

    @Test
    void aLocationHoldingTheKey_hasItRedacted() {
        sim.enqueue(CallKind.GET, SimulatedResponse.redirect(302, "https://evil.example/?k=" + KEY));
        assertThat(failure(client.get("j1"))).hasMessageNotContaining(KEY).hasMessageContaining("[REDACTED]");
    }
}
