package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.PROJECT;
import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobState;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MessageCommandTest {

    private static AgentJobsSimulator sim;

    @BeforeAll
    static void start() {
        sim = CliHarness.simulator(Duration.ofMillis(600));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void message_json_printsTheJobAsTheCallReturnedIt() {
        sim.putJob(PROJECT, "job_m1", JobState.COMPLETED);
        long messages = sim.stats().messages();
        JsonNode job = run(env(sim), "message", "--json", "job_m1", "Also fix the footer").assertExit(0).json();
        assertThat(job.get("id").asText()).isEqualTo("job_m1");
        assertThat(job.get("status").asText()).isEqualTo("active");
        assertThat(sim.stats().messages()).isEqualTo(messages + 1);
    }

    @Test
    void message_wait_watchesTheFollowUpToItsEnd() {
        sim.putJob(PROJECT, "job_m2", JobState.COMPLETED);
        List<JsonNode> events = run(env(sim), "message", "--wait", "--json", "--interval", "200ms", "job_m2",
                "And the header").assertExit(0).jsonLines();
        assertThat(events.get(0).get("status").asText()).isEqualTo("active");
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("kind").asText()).isEqualTo("terminal");
        assertThat(last.get("previous").asText()).isEqualTo("active");
        assertThat(last.get("status").asText()).isEqualTo("completed");
    }

    @Test
    void message_unknownJob_exits3() {
        run(env(sim), "message", "job_nowhere", "hello").assertExit(3);
    }

    @Test
    void message_pollFlagsWithoutWait_exit2AndSendNothing() {
        long requests = sim.stats().requests();
        run(env(sim), "message", "--deadline", "1m", "job_m1", "x").assertExit(2);
        assertThat(sim.stats().requests()).isEqualTo(requests);
    }
}
