package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SimulateCommandTest {

    private final ExecutorService thread = Executors.newSingleThreadExecutor();

    @AfterEach
    void shutDown() {
        thread.shutdownNow();
    }

    @Test
    void simulate_printsItsUrlFirst_servesClients_andStopsOnShutdown() throws Exception {
        CompletableFuture<Runnable> shutdownHook = new CompletableFuture<>();
        CliHarness.Capture capture = new CliHarness.Capture(Map.of(), shutdownHook::complete);
        Future<Integer> exit = thread.submit(() -> Main.run(capture.context, "simulate", "--port", "0",
                "--api-key", CliHarness.KEY, "--project", "sim-p", "--duration", "300ms", "--seed", "7"));

        Runnable stop = shutdownHook.get(10, TimeUnit.SECONDS);
        String url = capture.out.toString().lines().findFirst().orElseThrow();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+");

        Map<String, String> env = Map.of(ConnectionOptions.ENV_API_KEY, CliHarness.KEY,
                ConnectionOptions.ENV_PROJECT, "sim-p", ConnectionOptions.ENV_BASE_URL, url);
        JsonNode job = CliHarness.run(env, "create", "--json", "Served").assertExit(0).json();
        assertThat(job.get("status").asText()).isEqualTo("active");
        CliHarness.run(Map.of(ConnectionOptions.ENV_API_KEY, CliHarness.KEY,
                ConnectionOptions.ENV_PROJECT, "other-project", ConnectionOptions.ENV_BASE_URL, url),
                "create", "Wrong project").assertExit(3);

        stop.run();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(0);
        capture.result(0);
        CliHarness.run(env, "create", "After stop").assertExit(3);
    }

    @Test
    void simulate_withoutAnyKey_exits2() {
        CliHarness.Result r = CliHarness.run(Map.of(), "simulate").assertExit(2);
        assertThat(r.err()).contains("--api-key");
    }

    @Test
    void simulate_badDuration_exits2() {
        CliHarness.Result r = CliHarness.run(Map.of(SimulateCommand.ENV_SIM_KEY, "k"), "simulate", "--duration",
                "sometimes").assertExit(2);
        assertThat(r.err()).contains("--duration");
    }

    @Test
    void simulate_takesTheKeyFromTheEnvironment() throws Exception {
        CompletableFuture<Runnable> shutdownHook = new CompletableFuture<>();
        CliHarness.Capture capture = new CliHarness.Capture(Map.of(SimulateCommand.ENV_SIM_KEY, CliHarness.KEY),
                shutdownHook::complete);
        Future<Integer> exit = thread.submit(() -> Main.run(capture.context, "simulate"));
        Runnable stop = shutdownHook.get(10, TimeUnit.SECONDS);
        String url = capture.out.toString().lines().findFirst().orElseThrow();
        CliHarness.run(Map.of(ConnectionOptions.ENV_API_KEY, CliHarness.KEY, ConnectionOptions.ENV_PROJECT, "any",
                ConnectionOptions.ENV_BASE_URL, url), "create", "x").assertExit(0);
        stop.run();
        assertThat(exit.get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(0);
    }
}
