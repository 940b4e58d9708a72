package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.PROJECT;
import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobState;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GetCommandTest {

    private static AgentJobsSimulator sim;

    @BeforeAll
    static void start() {
        sim = CliHarness.simulator(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void get_json_printsTheCurrentState() {
        sim.putJob(PROJECT, "job_done", JobState.COMPLETED);
        JsonNode job = run(env(sim), "get", "--json", "job_done").assertExit(0).json();
        assertThat(job.get("id").asText()).isEqualTo("job_done");
        assertThat(job.get("status").asText()).isEqualTo("completed");
        assertThat(job.get("prLink").asText()).contains("/pull/");
    }

    @Test
    void get_failedJob_exits0BecauseTheCallSucceeded() {
        sim.putJob(PROJECT, "job_failed", JobState.FAILED);
        CliHarness.Result r = run(env(sim), "get", "job_failed").assertExit(0);
        assertThat(r.outLines()).singleElement().asString().startsWith("job_failed  failed  ");
    }

    @Test
    void get_unknownJob_exits3WithTheStatus() {
        CliHarness.Result r = run(env(sim), "get", "job_nowhere").assertExit(3);
        assertThat(r.err()).contains("404").contains("job_nowhere");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void get_blankJobId_exits2() {
        long requests = sim.stats().requests();
        run(env(sim), "get", " ").assertExit(2);
        assertThat(sim.stats().requests()).isEqualTo(requests);
    }
}
