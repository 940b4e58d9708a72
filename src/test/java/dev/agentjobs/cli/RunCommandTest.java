package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.AgentJobsSimulator;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void run_simulate_theReadmeCommand_completesAndExits0() {
        List<String> lines = run(NO_ENV, "run", "--simulate", "Fix the typo").assertExit(0).outLines();
        assertThat(lines.get(0)).matches("\\S+Z  job_\\S+  created  active");
        assertThat(lines.get(lines.size() - 1)).contains("active -> completed  https://github.com/");
    }

    @Test
    void run_simulate_failRatio1_exits1() {
        List<JsonNode> events = run(NO_ENV, "run", "--simulate", "--json", "--fail-ratio", "1", "--duration", "300ms",
                "--interval", "200ms", "Fix the typo").assertExit(1).jsonLines();
        assertThat(events).extracting(e -> e.get("kind").asText()).containsExactly("created", "terminal");
        assertThat(events.get(1).get("status").asText()).isEqualTo("failed");
        assertThat(events.get(1).get("at").asText()).endsWith("Z");
    }

    @Test
    void run_againstAServer_printsEachEventAsJson() {
        try (AgentJobsSimulator sim = CliHarness.simulator(Duration.ofMillis(400))) {
            List<JsonNode> events = run(CliHarness.env(sim), "run", "--json", "--interval", "200ms", "Add a page")
                    .assertExit(0).jsonLines();
            assertThat(events).extracting(e -> e.get("kind").asText())
                    .containsExactly("created", "pr_linked", "terminal");
            assertThat(events).allSatisfy(e -> assertThat(e.get("jobId").asText()).isEqualTo(
                    events.get(0).get("job").get("id").asText()));
            assertThat(sim.stats().creates()).isEqualTo(1);
        }
    }

    @Test
    void run_deadline_exits4() {
        CliHarness.Result r = run(NO_ENV, "run", "--simulate", "--duration", "1h", "--deadline", "300ms",
                "--interval", "100ms", "Never ends").assertExit(4);
        assertThat(r.err()).contains("deadline");
    }

    @Test
    void run_pollCap_exits4() {
        CliHarness.Result r = run(NO_ENV, "run", "--simulate", "--duration", "1h", "--max-polls", "2",
                "--interval", "100ms", "Never ends").assertExit(4);
        assertThat(r.err()).contains("2");
    }

    @Test
    void run_simulateWithBaseUrl_exits2() {
        run(NO_ENV, "run", "--simulate", "--base-url", "http://127.0.0.1:1", "x").assertExit(2);
    }

    @Test
    void run_invalidPollFlag_exits2() {
        CliHarness.Result r = run(NO_ENV, "run", "--simulate", "--interval", "soon", "x").assertExit(2);
        assertThat(r.err()).contains("--interval").contains("soon");
    }
}
