package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.fanout.LedgerException;
import dev.agentjobs.fanout.LedgerLock;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    private static final String TOKEN = "tok_serve_test_0123456789abcdef";
    private final ExecutorService thread = Executors.newSingleThreadExecutor();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void shutDown() {
        thread.shutdownNow();
    }

    @Test
    void serveSimulate_printsTheUrlFirst_servesTheDashboardAndTheApi_andStopsOnShutdown() throws Exception {
        CompletableFuture<Runnable> shutdownHook = new CompletableFuture<>();
        CliHarness.Capture capture = new CliHarness.Capture(Map.of(), shutdownHook::complete);
        Future<Integer> exit = thread.submit(() -> Main.run(capture.context, "serve", "--simulate", "--port", "0",
                "--duration", "300ms", "--interval", "100ms"));

        Runnable stop = shutdownHook.get(20, TimeUnit.SECONDS);
        String url = capture.out.toString().lines().findFirst().orElseThrow();
        assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/");
        assertThat(capture.out.toString()).contains("no tokens: open to this machine only");

        assertThat(send(HttpRequest.newBuilder(URI.create(url)).GET()).body()).contains("<!doctype html>");
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(url + "jobs"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"demo\"}")));
        assertThat(created.statusCode()).isEqualTo(201);
        String id = CliHarness.parse(created.body()).get("id").asText();
        String stream = send(HttpRequest.newBuilder(URI.create(url + "jobs/" + id + "/events")).GET()).body();
        assertThat(stream).contains("event: created", "event: terminal");
        assertThat(stream).doesNotContain("mint_");

        stop.run();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(0);
        capture.result(0);
    }

    @Test
    void serveWithATokenFileAndALedger_refusesAnonymousCalls_acceptsTheToken_andUsesTheLedger(@TempDir Path dir)
            throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens.txt"), "# dashboard\n" + TOKEN + "\n");
        CompletableFuture<Runnable> shutdownHook = new CompletableFuture<>();
        CliHarness.Capture capture = new CliHarness.Capture(Map.of(), shutdownHook::complete);
        Future<Integer> exit = thread.submit(() -> Main.run(capture.context, "serve", "--simulate", "--port", "0",
                "--token-file", tokens.toString(), "--ledger", dir.resolve("gateway.db").toString()));
        Runnable stop = shutdownHook.get(20, TimeUnit.SECONDS);
        String url = capture.out.toString().lines().findFirst().orElseThrow();

        assertThat(send(HttpRequest.newBuilder(URI.create(url + "jobs")).GET()).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(URI.create(url + "jobs")).header("Authorization", "Bearer " + TOKEN)
                .GET()).statusCode()).isEqualTo(200);
        assertThat(capture.out.toString()).doesNotContain(TOKEN);
        assertThat(send(HttpRequest.newBuilder(URI.create(url + "healthz")).GET()).body()).contains("\"ledger");
        stop.run();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(0);
    }

    @Test
    void serveOnALedgerAnotherRunHolds_exits2NamingTheLock_andAFanoutIsRefusedWhileItServes(@TempDir Path dir)
            throws Exception {
        Path ledger = dir.resolve("shared.db");
        try (LedgerLock fanoutRun = LedgerLock.acquire(ledger)) {
            CompletableFuture<Runnable> shutdownHook = new CompletableFuture<>();
            CliHarness.Capture capture = new CliHarness.Capture(Map.of(), shutdownHook::complete);
            Future<Integer> exit = thread.submit(() -> Main.run(capture.context, "serve", "--simulate", "--port",
                    "0", "--ledger", ledger.toString()));
            assertThat(exitOrStop(exit, shutdownHook)).isEqualTo(2);
            assertThat(capture.err.toString()).contains("in use by another fanout or serve run",
                    ledger.getFileName() + ".lock");
        }

        CompletableFuture<Runnable> shutdownHook = new CompletableFuture<>();
        CliHarness.Capture capture = new CliHarness.Capture(Map.of(), shutdownHook::complete);
        Future<Integer> exit = thread.submit(() -> Main.run(capture.context, "serve", "--simulate", "--port", "0",
                "--ledger", ledger.toString()));
        Runnable stop = shutdownHook.get(20, TimeUnit.SECONDS);
        assertThatThrownBy(() -> LedgerLock.acquire(ledger)).isInstanceOf(LedgerException.class)
                .extracting(e -> ((LedgerException) e).reason()).isEqualTo(LedgerException.Reason.LOCKED);
        stop.run();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(0);
        try (LedgerLock free = LedgerLock.acquire(ledger)) {
            assertThat(free.ledger()).isEqualTo(ledger.toAbsolutePath());
        }
    }

    /** The exit code; a command that serves instead of exiting is stopped, and the test fails. */
    private static int exitOrStop(Future<Integer> exit, CompletableFuture<Runnable> shutdownHook) throws Exception {
        try {
            return exit.get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            shutdownHook.getNow(() -> { }).run();
            exit.get(20, TimeUnit.SECONDS);
            throw new AssertionError("serve did not refuse the locked ledger: it served", e);
        }
    }

    @Test
    void serveOnANonLoopbackAddress_withoutATokenFile_exits2() {
        CliHarness.Result r = CliHarness.run(Map.of(), "serve", "--simulate", "--bind", "0.0.0.0", "--port", "0")
                .assertExit(2);
        assertThat(r.err()).contains("without tokens");
    }

    @Test
    void serveWithAMissingTokenFile_exits2() {
        CliHarness.Result r = CliHarness.run(Map.of(), "serve", "--simulate", "--port", "0", "--token-file",
                "/nonexistent/tokens.txt").assertExit(2);
        assertThat(r.err()).contains("token file");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
