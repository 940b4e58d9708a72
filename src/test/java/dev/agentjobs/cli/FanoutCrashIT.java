package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.FaultKind;
import dev.agentjobs.simulator.Faults;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fan-out's restart contract on the packaged jar, with real signals: SIGKILL at random moments while creates
 * are in flight, five times, then a run to the end; and SIGTERM, which stops cleanly with exit 130. The simulator
 * runs in this JVM, so its jobs outlive every killed process. The kill moments come from a seed, printed with
 * them; {@code -Dagentjobs.crashSeed=N} replays one.
 */
class FanoutCrashIT {

    private static final String KEY = "mint_crash_it_5ecr3t_never_printed";
    private static final int PROMPTS = 500;
    private static final int KILLS = 5;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 110, unit = TimeUnit.SECONDS)
    void crashLoop_fiveSigkillsThenARunToTheEnd_everyPromptHasOneJobOrIsInDoubt_andOneOutLineEach()
            throws IOException, SQLException {
        long seed = Long.getLong("agentjobs.crashSeed", System.nanoTime());
        Random random = new Random(seed);
        System.out.println("crash loop: seed " + seed + " (replay with -Dagentjobs.crashSeed=" + seed + ")");
        Faults faults = Faults.none()
                .ratio(FaultKind.CLOSE_AFTER_COMMIT, 0.02)
                .ratio(FaultKind.ERROR_500_AFTER_COMMIT, 0.02)
                .ratio(FaultKind.MALFORMED_JSON, 0.02)
                .ratio(FaultKind.ERROR_503, 0.03)
                .ratio(FaultKind.CLOSE_CONNECTION, 0.03)
                .ratio(FaultKind.BURST_429, 0.01).burstLength(2).retryAfter(Duration.ofMillis(200));
        try (AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(KEY)
                .durations(JobDurations.uniform(Duration.ofMillis(200), Duration.ofMillis(800)))
                .createLimit(RateLimit.none()).messageLimit(RateLimit.none()).faults(faults).seed(seed)
                .build().start()) {
            Path input = prompts();
            Path ledger = dir.resolve("prompts.ledger.db");
            Path out = dir.resolve("results.jsonl");
            List<String> args = List.of("fanout", input.toString(), "--ledger", ledger.toString(), "--out",
                    out.toString(), "--base-url", sim.baseUrl(), "--create-rate", "none", "--interval", "100ms",
                    "--max-interval", "200ms", "--deadline", "1m");
            Map<String, String> env = env();

            for (int k = 1; k <= KILLS; k++) {
                long before = touched(ledger);
                long target = Math.min(before + 5 + random.nextInt(60), PROMPTS - 20);
                long extraMs = random.nextInt(250);
                CliJarProcess p = CliJarProcess.start(dir, "run-" + k, env, args);
                boolean progressed = p.awaitWhileAlive(() -> touched(ledger) >= target, Duration.ofSeconds(30));
                assertThat(progressed).as("run %d reached %d prompts past PENDING before its kill; stderr:%n%s",
                        k, target, p.err()).isTrue();
                assertThat(p.waitForExit(Duration.ofMillis(extraMs)))
                        .as("run %d still running %d ms after the ledger showed progress", k, extraMs).isFalse();
                Duration at = p.age();
                p.kill();
                Map<PromptState, Long> counts = CliJarProcess.ledgerCounts(ledger);
                System.out.printf("crash loop: kill %d (SIGKILL, pid %d) %d ms after start, %d ms after %d prompts"
                        + " left PENDING; ledger then: %s%n", k, p.pid(), at.toMillis(), extraMs, target, counts);
            }

            CliJarProcess last = CliJarProcess.start(dir, "final", env, args);
            int exit = last.awaitExit(Duration.ofSeconds(60));
            Map<String, String[]> rows = CliJarProcess.ledgerRows(ledger);
            long inDoubt = rows.values().stream().filter(r -> r[0].equals(PromptState.IN_DOUBT.name())).count();
            AgentJobsSimulator.Stats stats = sim.stats();
            System.out.printf("crash loop: final run exit %d; %d in doubt; simulator: %d creates, %d faults;"
                    + " ledger: %s%n", exit, inDoubt, stats.creates(), stats.faults(),
                    CliJarProcess.ledgerCounts(ledger));

            assertThat(exit).as("final run's exit code; stderr:%n%s", last.err()).isEqualTo(inDoubt > 0 ? 5 : 0);
            assertThat(rows).hasSize(PROMPTS);
            Set<String> jobIds = new HashSet<>();
            rows.forEach((id, r) -> {
                if (!r[0].equals(PromptState.IN_DOUBT.name())) {
                    assertThat(r[0]).as("prompt %s", id).isEqualTo(PromptState.COMPLETED.name());
                    assertThat(r[1]).as("prompt %s has its job", id).isNotNull();
                    assertThat(jobIds.add(r[1])).as("job %s recorded for two prompts", r[1]).isTrue();
                }
            });
            assertThat(stats.maxCreatesForOnePrompt()).as("no prompt was created twice").isEqualTo(1);
            assertThat(stats.creates()).isBetween((long) jobIds.size(), jobIds.size() + inDoubt);

            List<JsonNode> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                    .map(CliHarness::parse).toList();
            assertThat(lines).as("one --out line per prompt").hasSize(PROMPTS);
            assertThat(lines.stream().map(n -> n.get("custom_id").asText()).collect(Collectors.toSet()))
                    .isEqualTo(rows.keySet());
            assertThat(lines.stream().filter(n -> n.get("state").asText().equals("in_doubt")).count())
                    .isEqualTo(inDoubt);

            CliJarProcess status = CliJarProcess.start(dir, "status", Map.of(),
                    List.of("fanout", "--status", "--json", "--ledger", ledger.toString()));
            assertThat(status.awaitExit(Duration.ofSeconds(30))).as(status.err()).isZero();
            JsonNode report = CliHarness.parse(status.out().strip());
            assertThat(report.get("counts").path("creating").asLong()).as("no CREATING row left").isZero();
            assertThat(report.get("in_doubt")).hasSize((int) inDoubt);
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sigterm_stopsCreating_recordsWhatWasInFlight_printsTheResumeLine_exit130_andASecondRunIsRefused() throws IOException {
        try (AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(KEY)
                .durations(JobDurations.fixed(Duration.ofHours(1))).createLimit(RateLimit.none()).build().start()) {
            Path input = Files.writeString(dir.resolve("p.txt"), IntStream.rangeClosed(1, 40)
                    .mapToObj(i -> "Refresh page " + i + "\n").collect(Collectors.joining()));
            Path ledger = dir.resolve("p.ledger.db");
            CliJarProcess p = CliJarProcess.start(dir, "sigterm", env(), List.of("fanout", input.toString(),
                    "--ledger", ledger.toString(), "--base-url", sim.baseUrl(), "--create-rate", "none",
                    "--max-active", "10", "--interval", "100ms"));
            boolean created = p.awaitWhileAlive(() -> CliJarProcess.ledgerCounts(ledger)
                    .getOrDefault(PromptState.CREATED, 0L) >= 5, Duration.ofSeconds(30));
            assertThat(created).as("five jobs created; stderr:%n%s", p.err()).isTrue();
            CliJarProcess second = CliJarProcess.start(dir, "second", env(), List.of("fanout", input.toString(),
                    "--ledger", ledger.toString(), "--base-url", sim.baseUrl(), "--create-rate", "none"));
            assertThat(second.awaitExit(Duration.ofSeconds(30))).as("a second run on the ledger in use")
                    .isEqualTo(2);
            assertThat(second.err()).contains(
                    "in use by another fanout or serve run (process " + p.pid() + ")",
                    ledger.getFileName() + ".lock");

            p.terminate();
            int exit = p.awaitExit(Duration.ofSeconds(30));

            assertThat(exit).as(p.err()).isEqualTo(FanoutCommand.INTERRUPTED);
            assertThat(p.err()).contains("resume with: agentjobs fanout " + input);
            Map<PromptState, Long> counts = CliJarProcess.ledgerCounts(ledger);
            assertThat(counts).doesNotContainKey(PromptState.CREATING).doesNotContainKey(PromptState.IN_DOUBT);
            assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(40);
            assertThat(counts.get(PromptState.CREATED)).isEqualTo(sim.stats().creates());
            assertThat(p.out() + p.err()).doesNotContain(KEY);
        }
    }

    private Path prompts() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= PROMPTS; i++) {
            lines.add("{\"custom_id\":\"page-" + i + "\",\"prompt\":\"Refresh documentation page " + i + "\"}");
        }
        return Files.write(dir.resolve("prompts.jsonl"), lines, StandardCharsets.UTF_8);
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(ConnectionOptions.ENV_API_KEY, KEY);
        env.put(ConnectionOptions.ENV_PROJECT, "docs");
        return env;
    }

    /** Prompts past PENDING: claimed, created, settled (or, after a restart, in doubt). */
    private static long touched(Path ledger) {
        return CliJarProcess.ledgerCounts(ledger).entrySet().stream()
                .filter(e -> e.getKey() != PromptState.PENDING).mapToLong(Map.Entry::getValue).sum();
    }
}
