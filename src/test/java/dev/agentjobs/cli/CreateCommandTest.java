package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.KEY;
import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.run;
import static dev.agentjobs.cli.CliHarness.without;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.SimulatedResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CreateCommandTest {

    private static AgentJobsSimulator sim;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sim = CliHarness.simulator(Duration.ofSeconds(5));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @Test
    void create_json_printsTheNewJobAsOneLine() {
        long before = sim.stats().creates();
        JsonNode job = run(env(sim), "create", "--json", "Fix the typo").assertExit(0).json();
        assertThat(job.get("id").asText()).isNotBlank();
        assertThat(job.get("status").asText()).isEqualTo("active");
        assertThat(job.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(job.get("prLink").isNull()).isTrue();
        assertThat(job.get("source").get("repository").asText()).startsWith("https://github.com/");
        assertThat(sim.stats().creates()).isEqualTo(before + 1);
    }

    @Test
    void create_human_printsIdAndStatusOnOneLine() {
        CliHarness.Result r = run(env(sim), "create", "Document /health").assertExit(0);
        assertThat(r.outLines()).singleElement().asString().matches("job_\\S+  active  https://github\\.com/\\S+");
    }

    @Test
    void create_emptyPrompt_exits2AndSendsNothing() {
        long requests = sim.stats().requests();
        CliHarness.Result r = run(env(sim), "create", "").assertExit(2);
        assertThat(r.err()).contains("PROMPT must not be empty");
        assertThat(sim.stats().requests()).isEqualTo(requests);
    }

    @Test
    void create_withoutProject_exits2AndSendsNothing() {
        long requests = sim.stats().requests();
        CliHarness.Result r = run(without(env(sim), ConnectionOptions.ENV_PROJECT), "create", "x").assertExit(2);
        assertThat(r.err()).contains("MINTLIFY_PROJECT_ID").contains("--project");
        assertThat(sim.stats().requests()).isEqualTo(requests);
    }

    @Test
    void create_withoutKey_exits2AndSendsNothing() {
        long requests = sim.stats().requests();
        CliHarness.Result r = run(without(env(sim), ConnectionOptions.ENV_API_KEY), "create", "x").assertExit(2);
        assertThat(r.err()).contains("MINTLIFY_API_KEY").contains("--api-key-file");
        assertThat(sim.stats().requests()).isEqualTo(requests);
    }

    @Test
    void create_unreadableKeyFile_exits2AndSendsNothing() {
        long requests = sim.stats().requests();
        CliHarness.Result r = run(env(sim), "create", "--api-key-file", dir.resolve("missing").toString(), "x")
                .assertExit(2);
        assertThat(r.err()).contains("cannot read API key file");
        assertThat(sim.stats().requests()).isEqualTo(requests);
    }

    @Test
    void create_keyFileAndFlags_overrideTheEnvironment() throws IOException {
        Path keyFile = Files.writeString(dir.resolve("key"), KEY + "\n");
        Map<String, String> wrong = Map.of(ConnectionOptions.ENV_API_KEY, "mint_wrong",
                ConnectionOptions.ENV_PROJECT, "other", ConnectionOptions.ENV_BASE_URL, "http://127.0.0.1:1");
        JsonNode job = run(wrong, "create", "--json", "--api-key-file", keyFile.toString(), "--project", "flagged",
                "--base-url", sim.baseUrl(), "From flags").assertExit(0).json();
        assertThat(sim.jobState("flagged", job.get("id").asText())).isPresent();
    }

    @Test
    void create_wrongKey_exits3WithTheStatus() {
        Map<String, String> env = env(sim);
        env.put(ConnectionOptions.ENV_API_KEY, "mint_not_the_right_one");
        CliHarness.Result r = run(env, "create", "x").assertExit(3);
        assertThat(r.err()).contains("401").doesNotContain("mint_not_the_right_one");
    }

    @Test
    void create_connectionClosedAfterCommit_exits5AndIsNotRetried() {
        long creates = sim.stats().creates();
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
        CliHarness.Result r = run(env(sim), "create", "Ambiguous create").assertExit(5);
        assertThat(r.err()).contains("outcome unknown");
        assertThat(r.out()).isEmpty();
        assertThat(sim.stats().creates()).isEqualTo(creates + 1);
    }

    @Test
    void create_simulatorFlagsWithoutSimulate_exit2() {
        run(env(sim), "create", "--fail-ratio", "1", "x").assertExit(2);
    }
}
