package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.PROJECT;
import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --target-lag} and {@code --model-file} through the CLI, against the loopback simulator. */
class ModelFileOptionTest {

    private static AgentJobsSimulator sim;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sim = CliHarness.simulator(Duration.ofMillis(500));
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static JsonNode read(Path file) throws IOException {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void run_withModelFile_savesTheJobItWatched_andTheNextRunLearnsOnFromIt() throws IOException {
        Path model = dir.resolve("durations.json");
        run(env(sim), "run", "--target-lag", "200ms", "--model-file", model.toString(), "first").assertExit(0);
        JsonNode saved = read(model);
        assertThat(saved.path("format").asText()).isEqualTo("agentjobs-duration-model");
        assertThat(saved.path("endedJobs").asDouble()).isEqualTo(1.0);

        run(env(sim), "run", "--target-lag", "200ms", "--model-file", model.toString(), "second").assertExit(0);
        assertThat(read(model).path("endedJobs").asDouble()).isEqualTo(2.0);
        try (var files = Files.list(dir)) {
            assertThat(files).as("no temporary file left behind").containsExactly(model);
        }
    }

    @Test
    void watch_withModelFile_loadsIt_andSavesItBackWhole() throws IOException {
        Path model = dir.resolve("durations.json");
        run(env(sim), "run", "--target-lag", "200ms", "--model-file", model.toString(), "teach").assertExit(0);
        sim.putJob(PROJECT, "job_mf1", JobState.ACTIVE);
        run(env(sim), "watch", "--target-lag", "200ms", "--model-file", model.toString(), "job_mf1").assertExit(0);
        // A resumed watch does not see its job begin: it plans with the model but does not teach it.
        assertThat(read(model).path("endedJobs").asDouble()).isEqualTo(1.0);
    }

    @Test
    void foreignModelFile_isRefusedWithExit2_andLeftAsItWas() throws IOException {
        Path model = dir.resolve("durations.json");
        String foreign = "{\"format\":\"someone-elses-cache\",\"version\":1}";
        Files.writeString(model, foreign);
        CliHarness.Result r = run(env(sim), "run", "--target-lag", "200ms", "--model-file", model.toString(), "x")
                .assertExit(2);
        assertThat(r.err()).contains("--model-file").contains("refused").contains("not a duration model");
        assertThat(r.out()).isEmpty();
        assertThat(Files.readString(model)).isEqualTo(foreign);
    }

    @Test
    void corruptModelFile_isRefusedWithExit2() throws IOException {
        Path model = dir.resolve("durations.json");
        Files.writeString(model, "{\"format\":\"agentjobs-duration-mo");
        CliHarness.Result r = run(env(sim), "run", "--target-lag", "200ms", "--model-file", model.toString(), "x")
                .assertExit(2);
        assertThat(r.err()).contains("refused").contains("not JSON");
    }

    @Test
    void modelFile_withoutTargetLag_isAUsageError() {
        CliHarness.Result r = run(env(sim), "run", "--model-file", dir.resolve("m.json").toString(), "x")
                .assertExit(2);
        assertThat(r.err()).contains("--model-file only applies with --target-lag");
        assertThat(Files.exists(dir.resolve("m.json"))).isFalse();
    }

    @Test
    void messageWithoutWait_refusesModelFile() {
        sim.putJob(PROJECT, "job_mf2", JobState.COMPLETED);
        CliHarness.Result r = run(env(sim), "message", "--target-lag", "1s", "--model-file",
                dir.resolve("m.json").toString(), "job_mf2", "more").assertExit(2);
        assertThat(r.err()).contains("only apply with --wait");
    }

    @Test
    void messageWait_withTargetLag_followsTheJobToItsEnd() {
        sim.putJob(PROJECT, "job_mf3", JobState.COMPLETED);
        run(env(sim), "message", "--wait", "--target-lag", "200ms", "--model-file", dir.resolve("m.json").toString(),
                "job_mf3", "more").assertExit(0);
        assertThat(Files.exists(dir.resolve("m.json"))).isTrue();
    }
}
