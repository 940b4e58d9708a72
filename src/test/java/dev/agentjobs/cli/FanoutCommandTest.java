package dev.agentjobs.cli;

import static dev.agentjobs.cli.CliHarness.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.fanout.LedgerLock;
import dev.agentjobs.fanout.PromptInput;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.SqliteJobLedger;
import dev.agentjobs.testing.CountingJobLedger;
import dev.agentjobs.simulator.AgentJobsSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FanoutCommandTest {

    @TempDir
    Path dir;

    private AgentJobsSimulator sim;
    private Map<String, String> env;

    @BeforeEach
    void startSimulator() {
        sim = CliHarness.simulator(Duration.ofMillis(300));
        env = CliHarness.env(sim);
    }

    @AfterEach
    void stopSimulator() {
        sim.close();
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path file(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private CliHarness.Result fanout(Path input, String... more) {
        String[] args = new String[more.length + 5];
        args[0] = "fanout";
        args[1] = input.toString();
        args[2] = "--interval";
        args[3] = "100ms";
        args[4] = "--create-rate=none";
        System.arraycopy(more, 0, args, 5, more.length);
        return run(env, args);
    }

    /** A bad input: exit 2, one error line naming the file (and line), nothing sent, no ledger made. */
    private void assertRefused(Path input, String... expected) {
        CliHarness.Result r = fanout(input).assertExit(2);
        assertThat(r.err()).contains(input.getFileName().toString());
        for (String e : expected) {
            assertThat(r.err()).contains(e);
        }
        assertThat(sim.stats().requests()).as("nothing sent").isZero();
        assertThat(FanoutCommand.defaultLedger(input, false)).doesNotExist();
    }

    @Test
    void countsOf_10000PromptLedger_countsTheInputsKeysWithoutReadingAPromptText() {
        List<PromptInput> input = IntStream.rangeClosed(1, 10_000)
                .mapToObj(i -> new PromptInput(String.valueOf(i), "Refresh page " + i)).toList();
        try (SqliteJobLedger sqlite = SqliteJobLedger.open(dir.resolve("big.ledger.db"))) {
            sqlite.register("docs", input).block(Duration.ofSeconds(30));
            sqlite.register("docs", List.of(new PromptInput("not-in-the-input", "x"))).block(Duration.ofSeconds(5));
            CountingJobLedger counting = new CountingJobLedger(sqlite);
            Set<String> ids = input.stream().map(PromptInput::customId).collect(Collectors.toSet());

            assertThat(FanoutCommand.countsOf(counting, ids)).containsExactly(Map.entry(PromptState.PENDING, 10_000L));
            assertThat(counting.promptsRead()).isZero();
        }
    }

    @Test
    void badInput_emptyFile_orOnlyBlankLines() throws IOException {
        assertRefused(file("empty.txt", ""), "no prompt");
        assertRefused(file("blank.txt", "\n  \n\t\n"), "no prompt");
    }

    @Test
    void badInput_malformedJson_namesTheLine() throws IOException {
        assertRefused(file("p.jsonl", "{\"custom_id\":\"a\",\"prompt\":\"x\"}\n{\"custom_id\":\"b\",\"prompt\":\n"),
                "p.jsonl:2:", "not valid JSON");
    }

    @Test
    void badInput_missingFieldsOrWrongTypes_nameTheLine() throws IOException {
        assertRefused(file("a.jsonl", "{\"prompt\":\"x\"}\n"), "a.jsonl:1:", "custom_id");
        assertRefused(file("b.jsonl", "{\"custom_id\":\"a\",\"prompt\":\"\"}\n"), "b.jsonl:1:", "prompt");
        assertRefused(file("c.jsonl", "{\"custom_id\":7,\"prompt\":\"x\"}\n"), "c.jsonl:1:", "custom_id");
        assertRefused(file("d.jsonl", "[1,2]\n"), "d.jsonl:1:", "object");
    }

    @Test
    void badInput_duplicateCustomIds_nameBothLines() throws IOException {
        assertRefused(file("dup.jsonl", "{\"custom_id\":\"a\",\"prompt\":\"x\"}\n\n{\"id\":\"a\",\"prompt\":\"y\"}\n"),
                "dup.jsonl:3:", "'a'", "line 1");
    }

    @Test
    void badInput_invalidUtf8_namesTheLine() throws IOException {
        byte[] bytes = "first prompt\nsecond \u00e9 prompt\nthird\n".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(file("latin1.txt", bytes), "latin1.txt:2:", "UTF-8");
    }

    @Test
    void badInput_aOneMegabytePrompt_isRefused() throws IOException {
        String big = "x".repeat(1 << 20);
        assertRefused(file("big.jsonl", "{\"custom_id\":\"a\",\"prompt\":\"ok\"}\n{\"custom_id\":\"b\",\"prompt\":\""
                + big + "\"}\n"), "big.jsonl:2:", "bytes");
        assertRefused(file("big.txt", "ok\n" + big + "\n"), "big.txt:2:", "bytes");
    }

    @Test
    void badInput_anotherExtension_isRefused() throws IOException {
        assertRefused(file("prompts.csv", "a,b\n"), ".txt", ".jsonl");
    }

    @Test
    void fanout_txt_blankLinesSkipped_keysAreLineNumbers_exit0() throws IOException {
        Path input = file("prompts.txt", "Fix the typo\n\nRefresh the intro\n");
        CliHarness.Result r = fanout(input, "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<JsonNode> lines = r.jsonLines();
        assertThat(lines).extracting(n -> n.get("custom_id").asText()).containsExactlyInAnyOrder("1", "3");
        assertThat(lines).allMatch(n -> n.get("state").asText().equals("completed")
                && n.get("pr_link").asText().startsWith("https://"));
        assertThat(r.err()).contains("completed          2");
        assertThat(sim.stats().creates()).isEqualTo(2);
        assertThat(FanoutCommand.defaultLedger(input, false)).exists();
    }

    @Test
    void fanout_createsInFlight_outside1To64_isRefused_exit2_nothingSent() throws IOException {
        Path input = file("p.txt", "one\n");
        for (String bad : List.of("0", "65")) {
            CliHarness.Result r = fanout(input, "--creates-in-flight", bad).assertExit(2);
            assertThat(r.err()).contains("--creates-in-flight must be within 1-64, was " + bad);
        }
        assertThat(sim.stats().requests()).as("nothing sent").isZero();
        assertThat(FanoutCommand.defaultLedger(input, false)).doesNotExist();
        assertThat(fanout(input, "--creates-in-flight", "1").exitCode()).isZero();
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void fanout_someFailed_exit1() throws IOException {
        Path input = file("p.txt", "one\ntwo\n");
        try (AgentJobsSimulator failing = AgentJobsSimulator.builder().apiKey(CliHarness.KEY).failRatio(1)
                .durations(dev.agentjobs.simulator.JobDurations.fixed(Duration.ofMillis(200)))
                .createLimit(dev.agentjobs.simulator.RateLimit.none()).build().start()) {
            env = CliHarness.env(failing);
            assertThat(fanout(input).exitCode()).isEqualTo(1);
        }
    }

    @Test
    void fanout_out_twoRunsWriteOneLinePerPrompt_andTheSecondSendsNothing() throws IOException {
        Path input = file("p.jsonl", "{\"custom_id\":\"a\",\"prompt\":\"Fix a\"}\n{\"id\":\"b\",\"prompt\":\"Fix b\"}\n");
        Path out = dir.resolve("results.jsonl");
        assertThat(fanout(input, "--out", out.toString()).exitCode()).isZero();
        // A crash cut the file's last line short: the next run cuts it off and writes that prompt again.
        String full = Files.readString(out);
        Files.writeString(out, full.substring(0, full.length() - 10));
        CliHarness.Result second = fanout(input, "--out", out.toString());
        assertThat(second.exitCode()).isZero();
        assertThat(second.out()).as("nothing ended in the second run").isEmpty();
        assertThat(sim.stats().creates()).isEqualTo(2);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2);
        assertThat(lines.stream().map(CliHarness::parse).map(n -> n.get("custom_id").asText()))
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void fanout_changedInput_isRefusedByTheLedger_exit2() throws IOException {
        Path input = file("p.txt", "Fix the typo\n");
        assertThat(fanout(input).exitCode()).isZero();
        Files.writeString(input, "Fix another typo\n");
        CliHarness.Result r = fanout(input).assertExit(2);
        assertThat(r.err()).contains("'1'");
        assertThat(sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void fanout_ledgerThatIsNotALedger_exit2_andTheFileIsLeftAlone() throws IOException {
        Path input = file("p.txt", "Fix the typo\n");
        Path notALedger = file("notes.db", "just some notes\n");
        fanout(input, "--ledger", notALedger.toString()).assertExit(2);
        assertThat(Files.readString(notALedger)).isEqualTo("just some notes\n");
        assertThat(sim.stats().requests()).isZero();
    }

    @Test
    void status_printsCountsAndTheInDoubtList_sendsNothing() throws IOException {
        Path input = file("p.txt", "one\ntwo\n");
        assertThat(fanout(input).exitCode()).isZero();
        long requests = sim.stats().requests();
        CliHarness.Result r = run(Map.of(), "fanout", "--status", "--json", "--ledger",
                FanoutCommand.defaultLedger(input, false).toString()).assertExit(0);
        assertThat(r.json().get("counts").get("completed").asLong()).isEqualTo(2);
        assertThat(r.json().get("in_doubt")).isEmpty();
        assertThat(sim.stats().requests()).isEqualTo(requests);
        run(Map.of(), "fanout", "--status", "--ledger", dir.resolve("missing.db").toString()).assertExit(2);
        assertThat(dir.resolve("missing.db")).doesNotExist();
    }

    @Test
    void fanout_interrupted_stopsCreatingFlushesTheLedgerAndSaysHowToResume_exit130() throws Exception {
        try (AgentJobsSimulator slow = CliHarness.simulator(Duration.ofHours(1))) {
            env = CliHarness.env(slow);
            Path input = file("p.txt", "one\ntwo\nthree\n");
            List<Runnable> hooks = new CopyOnWriteArrayList<>();
            CompletableFuture<CliHarness.Result> running = CompletableFuture.supplyAsync(() -> run(env, hooks::add,
                    "fanout", input.toString(), "--create-rate", "2/1h", "--interval", "100ms"));
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (slow.stats().creates() < 2 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(slow.stats().creates()).isEqualTo(2);
            assertThat(hooks).hasSize(1);
            CompletableFuture.runAsync(hooks.get(0)).get(30, TimeUnit.SECONDS);
            CliHarness.Result r = running.get(30, TimeUnit.SECONDS);
            assertThat(r.exitCode()).isEqualTo(FanoutCommand.INTERRUPTED);
            assertThat(r.err()).contains("resume with: agentjobs fanout " + input);
            assertThat(slow.stats().creates()).isEqualTo(2);

            CliHarness.Result status = run(Map.of(), "fanout", "--status", "--json", "--ledger",
                    FanoutCommand.defaultLedger(input, false).toString()).assertExit(0);
            JsonNode counts = status.json().get("counts");
            assertThat(counts.get(PromptState.CREATED.name().toLowerCase()).asLong()).isEqualTo(2);
            assertThat(counts.get("pending").asLong()).isEqualTo(1);
        }
    }

    @Test
    void fanout_secondRunOnALedgerInUse_isRefusedNamingTheLock_exit2_whileStatusStillReads() throws Exception {
        try (AgentJobsSimulator slow = CliHarness.simulator(Duration.ofHours(1))) {
            env = CliHarness.env(slow);
            Path input = file("p.txt", "one\ntwo\nthree\n");
            Path ledger = FanoutCommand.defaultLedger(input, false);
            CliHarness.Running first = CliHarness.invocation(env).start("fanout", input.toString(),
                    "--create-rate=none", "--interval", "100ms");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (slow.stats().creates() < 3 && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(slow.stats().creates()).isEqualTo(3);

            CliHarness.Result second = fanout(input).assertExit(2);
            assertThat(second.err()).contains("in use by another fanout or serve run",
                    ledger.getFileName() + ".lock",
                    "--status");
            CliHarness.Result status = run(Map.of(), "fanout", "--status", "--json", "--ledger", ledger.toString())
                    .assertExit(0);
            assertThat(status.json().get("counts").get("created").asLong()).isEqualTo(3);
            assertThat(slow.stats().creates()).as("the refused run sent nothing").isEqualTo(3);

            CompletableFuture.runAsync(first.shutdownHook(Duration.ofSeconds(10))).get(30, TimeUnit.SECONDS);
            assertThat(first.await(Duration.ofSeconds(30)).exitCode()).isEqualTo(FanoutCommand.INTERRUPTED);
            try (LedgerLock free = LedgerLock.acquire(ledger)) {
                assertThat(free.ledger()).isEqualTo(ledger.toAbsolutePath());
            }
        }
    }
}
