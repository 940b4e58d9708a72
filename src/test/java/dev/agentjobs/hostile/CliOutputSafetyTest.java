package dev.agentjobs.hostile;

import static dev.agentjobs.cli.CliHarness.KEY;
import static dev.agentjobs.cli.CliHarness.env;
import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.cli.CliHarness;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.SimulatedResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a hostile server puts in a job must not reach the user's terminal raw, nor print the user's key. */
class CliOutputSafetyTest {

    private static final String ESC = "\u001b";
    /** Clears the screen, retitles the terminal, and a C1 CSI (U+009B) with a DEL: all from the server. */
    private static final String HOSTILE = "{\"id\":\"job_" + json(ESC + "[2J") + "\",\"status\":\"active\","
            + "\"model\":\"" + json(ESC + "]0;pwned\u0007") + "\",\"prLink\":\"https://x/" + json("\u009b31m\u007f")
            + "\",\"source\":{\"repository\":\"https://github.com/o/r\",\"ref\":\"main\"}}";

    private final AgentJobsSimulator sim = CliHarness.simulator(Duration.ofSeconds(30));

    @AfterEach
    void stop() {
        sim.close();
    }

    @Test
    void human_controlCharactersFromTheServer_areShownEscapedNeverRaw() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, HOSTILE));
        CliHarness.Result r = run(env(sim), "get", "job_1").assertExit(0);
        assertNoTerminalControls(r.out());
        assertThat(r.out()).contains("job_\\u001b[2J").contains("https://x/\\u009b31m\\u007f");
    }

    @Test
    void human_escapeSequencesInAWatchedJob_areEscaped() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, HOSTILE.replace("\"active\"", "\"failed\"")));
        CliHarness.Result r = run(env(sim), "watch", "job_1").assertExit(1);
        assertNoTerminalControls(r.out());
        assertThat(r.out()).contains("\\u001b[2J");
    }

    @Test
    void json_delAndC1ControlsFromTheServer_areEscapedToo() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, HOSTILE));
        CliHarness.Result r = run(env(sim), "get", "--json", "job_1").assertExit(0);
        assertNoTerminalControls(r.out());
        JsonNode job = r.json();
        assertThat(job.get("prLink").asText()).isEqualTo("https://x/\u009b31m\u007f");
        assertThat(job.get("model").asText()).isEqualTo(ESC + "]0;pwned\u0007");
    }

    @Test
    void human_serverEchoingTheKeyInAJobField_printsItRedacted() {
        // The harness fails the test if the key reaches stdout or stderr.
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenRespond(201,
                "{\"id\":\"job_k\",\"status\":\"active\",\"model\":\"" + KEY + "\",\"prLink\":\"https://x/" + KEY
                        + "\"}"));
        CliHarness.Result r = run(env(sim), "create", "x").assertExit(0);
        assertThat(r.out()).contains("[REDACTED]");
    }

    @Test
    void json_serverEchoingTheKeyInAJobField_printsItRedacted() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200,
                "{\"id\":\"job_" + KEY + "\",\"status\":\"active\",\"model\":\"" + KEY + "\"}"));
        JsonNode job = run(env(sim), "get", "--json", "job_1").assertExit(0).json();
        assertThat(job.get("model").asText()).isEqualTo("[REDACTED]");
        assertThat(job.get("id").asText()).isEqualTo("job_[REDACTED]");
    }

    @Test
    void human_unknownStatus_isShownWithTheServersValue() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, "{\"id\":\"job_q\",\"status\":\"queued\"}"));
        CliHarness.Result r = run(env(sim), "get", "job_q").assertExit(0);
        assertThat(r.outLines()).containsExactly("job_q  unknown (queued)");
    }

    @Test
    void json_unknownStatus_isTheServersValue() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, "{\"id\":\"job_q\",\"status\":\"queued\"}"));
        JsonNode job = run(env(sim), "get", "--json", "job_q").assertExit(0).json();
        assertThat(job.get("status").asText()).isEqualTo("queued");
    }

    @Test
    void errorLine_hugeJobId_isCutShort() {
        String id = "job_" + "x".repeat(10_000);
        CliHarness.Result r = run(env(sim), "get", id).assertExit(3);
        assertThat(r.err().length()).isLessThan(400);
        assertThat(r.err()).contains("job_xxxx").contains("...");
    }

    @Test
    void errorLine_controlCharactersInTheJobId_areEscaped() {
        CliHarness.Result r = run(env(sim), "get", "job_" + ESC + "]0;pwned\u0007").assertExit(3);
        assertNoTerminalControls(r.err());
        assertThat(r.err()).contains("\\u001b]0;pwned\\u0007");
    }

    /** No C0 control but the line feed, no DEL, no C1 control. */
    @Test
    void fanout_serverTextInResults_isRedactedAndEscaped_onStdoutAndInTheOutFile(@TempDir Path dir)
            throws IOException {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenRespond(201, "{\"id\":\"job_" + json(ESC + "[2J")
                + "\",\"status\":\"completed\",\"prLink\":\"https://x/" + KEY + json(ESC + "]0;pwned\u0007") + "\"}"));
        Path prompts = Files.writeString(dir.resolve("prompts.txt"), "Refresh the intro\n");
        Path out = dir.resolve("results.jsonl");
        CliHarness.Result r = run(env(sim), "fanout", prompts.toString(), "--create-rate=none",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertNoTerminalControls(r.out());
        assertNoTerminalControls(r.err());
        assertThat(r.out()).contains("job_\\u001b[2J").contains("https://x/[REDACTED]\\u001b]0;pwned\\u0007");
        String lines = Files.readString(out);
        assertThat(lines).doesNotContain(KEY).contains("https://x/[REDACTED]");
        assertNoTerminalControls(lines);
    }

    static void assertNoTerminalControls(String text) {
        assertThat(text.chars().filter(c -> c != '\n' && (c < 0x20 || c >= 0x7f && c <= 0x9f)))
                .as("raw control characters in %s", text).isEmpty();
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
        return sb.toString();
    }
}
