package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.simulator.AgentJobsSimulator;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void help_listsTheCommandsAndExitCodes() {
        CliHarness.Result r = run(Map.of(), "--help").assertExit(0);
        assertThat(r.out()).contains("run", "create", "get", "watch", "message", "simulate", "Exit codes");
    }

    @Test
    void commandHelp_exits0() {
        CliHarness.Result r = run(Map.of(), "run", "--help").assertExit(0);
        assertThat(r.out()).contains("--deadline", "--interval", "--simulate", "--api-key-file")
                .doesNotContain("--api-key ");
    }

    @Test
    void version_exits0() {
        assertThat(run(Map.of(), "--version").assertExit(0).out()).startsWith("agentjobs ");
    }

    @Test
    void unknownOption_exits2WithOneLine() {
        CliHarness.Result r = run(Map.of(), "create", "--frobnicate", "x").assertExit(2);
        assertThat(r.err()).contains("--frobnicate").contains("agentjobs create --help");
    }

    @Test
    void noCommand_exits2() {
        run(Map.of(), new String[0]).assertExit(2);
    }

    @Test
    void keyAsFlag_isRefused() {
        run(Map.of(), "create", "--api-key", CliHarness.KEY, "x").assertExit(2);
    }

    @Test
    void verboseError_printsTheTraceButNeverTheKey() {
        try (AgentJobsSimulator sim = CliHarness.simulator(Duration.ofSeconds(1))) {
            Map<String, String> env = CliHarness.env(sim);
            // The server's 404 and the 401 of a wrong key both go through the verbose path; the harness scans
            // every captured character for the key.
            CliHarness.Result notFound = run(env, "get", "--verbose", "job_" + CliHarness.KEY);
            assertThat(notFound.exitCode()).isEqualTo(3);
            assertThat(notFound.err()).contains("agentjobs: ").contains("\tat ").contains("[REDACTED]");
            env.put(ConnectionOptions.ENV_API_KEY, CliHarness.KEY + "x");
            CliHarness.Result unauthorized = run(env, "create", "--verbose", "x");
            assertThat(unauthorized.exitCode()).isEqualTo(3);
            assertThat(unauthorized.err()).contains("401").contains("\tat ");
        }
    }
}
