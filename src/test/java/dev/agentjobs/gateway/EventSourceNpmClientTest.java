package dev.agentjobs.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.simulator.JobDurations;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway followed by the real npm {@code eventsource} client (node), as a Node service or bot would: a
 * resume by {@code Last-Event-ID} loses and repeats nothing, the client's own reconnect after the terminal event
 * gets 204 and stops, and after a gateway restart the feed reconnects by itself and gets a snapshot.
 * Skipped only when node or npm is not installed; the package is installed into {@code target/}.
 */
class EventSourceNpmClientTest {

    private static final String PACKAGE = "eventsource@4.1.1";
    private static final Path DIR = Path.of("target", "npm-eventsource");
    private static final Path SCRIPT = Path.of("src", "test", "node", "eventsource-check.mjs");

    private GatewayHarness h;
    private Process node;

    @BeforeAll
    static void install() throws Exception {
        assumeTrue(onPath("node") && onPath("npm"), "node and npm are not installed: the npm eventsource client"
                + " cannot run here (the Java clients' tests still cover resuming)");
        Files.createDirectories(DIR);
        Files.copy(SCRIPT, DIR.resolve(SCRIPT.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        if (!Files.isDirectory(DIR.resolve("node_modules/eventsource"))) {
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-package-lock",
                    "--no-save", PACKAGE).directory(DIR.toFile()).redirectErrorStream(true).start();
            String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(npm.waitFor(3, TimeUnit.MINUTES)).as("npm install finished").isTrue();
            assertThat(npm.exitValue()).as("npm install %s: %s", PACKAGE, out).isZero();
        }
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.destroyForcibly();
        }
        if (h != null) {
            h.close();
        }
    }

    @Test
    void npmEventSource_resumesAJobByLastEventId_andStopsOnThe204AfterTerminal() throws Exception {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(1200)), b -> b);
        String id = h.create("followed from node");
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader out = start("job", h.base(), GatewayHarness.TOKEN, id)) {
            readUntil(out, lines, l -> l.get("type").asText().equals("closed"));
        }
        assertThat(node.waitFor(30, TimeUnit.SECONDS)).isTrue();

        List<String> events = lines.stream().filter(l -> l.get("type").asText().equals("event"))
                .map(l -> l.get("event").asText() + " " + l.get("id").asText()).toList();
        String e = h.gateway.epoch();
        // The first stream read "created", closed; the second resumed from its id: each event exactly once.
        assertThat(events).containsExactly("created " + e + "-1", "pr_linked " + e + "-2", "terminal " + e + "-3");
        List<String> fetches = lines.stream().filter(l -> l.get("type").asText().equals("fetch"))
                .map(l -> l.get("lastEventId").asText() + " " + l.get("status").asInt()).toList();
        assertThat(fetches).containsExactly("null 200", e + "-1 200", e + "-3 204");
    }

    @Test
    void npmEventSource_reconnectsToTheFeedByItself_afterAGatewayRestart_andGetsASnapshot() throws Exception {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(300)), b -> b);
        String id = h.create("before the restart");
        h.stream("/jobs/" + id + "/events", null).blockLast(GatewayHarness.TIMEOUT);
        List<JsonNode> lines = new ArrayList<>();
        try (BufferedReader out = start("feed", h.base(), GatewayHarness.TOKEN)) {
            JsonNode first = readUntil(out, lines, l -> l.path("event").asText().equals("snapshot"));
            assertThat(first.at("/data/jobs/0/jobId").asText()).isEqualTo(id);
            String firstId = first.get("id").asText();

            h.restartGateway();
            JsonNode second = readUntil(out, lines, l -> l.path("event").asText().equals("snapshot"));
            assertThat(second.get("id").asText()).startsWith(h.gateway.epoch() + "-");
            assertThat(lines).filteredOn(l -> l.get("type").asText().equals("fetch"))
                    .extracting(l -> l.get("lastEventId").asText()).contains(firstId);
            node.getOutputStream().close();
            readUntil(out, lines, l -> l.get("type").asText().equals("closed"));
        }
    }

    private BufferedReader start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("node", SCRIPT.getFileName().toString()));
        cmd.addAll(List.of(args));
        node = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads JSON lines into {@code lines} until one matches; the script itself exits after 60 s. */
    private static JsonNode readUntil(BufferedReader out, List<JsonNode> lines, Predicate<JsonNode> stop)
            throws IOException {
        String line;
        while ((line = out.readLine()) != null) {
            JsonNode n = GatewayHarness.json(line);
            lines.add(n);
            assertThat(n.get("type").asText()).as("the node script timed out; saw %s", lines).isNotEqualTo("timeout");
            if (stop.test(n)) {
                return n;
            }
        }
        throw new AssertionError("the node script ended early; saw " + lines);
    }

    private static boolean onPath(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
