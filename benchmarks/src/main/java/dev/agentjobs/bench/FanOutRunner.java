package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.fanout.CreateRate;
import dev.agentjobs.fanout.FanOut;
import dev.agentjobs.fanout.FanOutOptions;
import dev.agentjobs.fanout.FanOutResult;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.PromptInput;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.SqliteJobLedger;
import dev.agentjobs.poll.PollPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;

/**
 * One measurement of the {@code fanout} scenario in a fresh JVM: {@code FanOut.create(client, ledger).fanOut(...)}
 * over N prompts against the simulator (no rate limit, jobs of 1-3 s), with a {@link SqliteJobLedger} or an
 * {@link JobLedger#inMemory()}; then one JSON line of figures on stdout.
 *
 * <pre>
 * BENCH_API_KEY=... java -cp ... dev.agentjobs.bench.FanOutRunner --ledger sqlite --url http://127.0.0.1:8080 \
 *     --prompts 10000 --dir /tmp/bench [--creates-in-flight 4]
 * </pre>
 *
 * <p>Steps: build the client and open the ledger (SQLite loads its native library then); run a warm-up fan-out
 * of {@code --warmup} prompts on a ledger of the same kind, so that both kinds are measured with compiled code;
 * then measure the process CPU time and the wall time of the N-prompt fan-out, from subscribing to its last
 * result. Prompts are created with the default 4 creates in flight (or {@code --creates-in-flight}) and watched with a fixed 1 s poll (the jobs
 * last 1-3 s). For SQLite, the ledger's bytes are the file plus its WAL after close.
 */
public final class FanOutRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FanOutRunner() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Args.parse(args);
        String kind = Args.required(opts, "ledger");
        int prompts = Integer.parseInt(Args.required(opts, "prompts"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "1000"));
        int inFlight = Integer.parseInt(opts.getOrDefault("creates-in-flight", "4"));
        Path dir = Path.of(Args.required(opts, "dir"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "fanout");
        out.put("ledger", kind);
        out.put("prompts", prompts);
        out.put("round", Integer.parseInt(opts.getOrDefault("round", "1")));
        out.put("createsInFlight", inFlight);
        out.put("jdk", Runtime.version().toString());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        try (AgentJobsClient client = AgentJobsClient.builder().baseUrl(Args.required(opts, "url"))
                .projectId(opts.getOrDefault("project", "bench")).apiKey(ApiKey.of(Args.env("BENCH_API_KEY")))
                .build()) {
            Files.createDirectories(dir);
            try (JobLedger w = open(kind, dir.resolve("warmup.ledger.db"))) {
                check(run(client, w, "warm", warmup, inFlight), warmup);
            }
            measure(client, kind, dir.resolve("bench.ledger.db"), prompts, inFlight, out);
        } catch (Throwable e) {
            out.put("status", "failed");
            out.put("reason", String.valueOf(e));
        }
        System.out.println(JSON.writeValueAsString(out));
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    private static void measure(AgentJobsClient client, String kind, Path file, int prompts, int inFlight,
                                Map<String, Object> out) throws IOException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        JobLedger ledger = open(kind, file);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        List<FanOutResult> results;
        try {
            results = run(client, ledger, "p", prompts, inFlight);
        } finally {
            ledger.close();
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        check(results, prompts);
        double seconds = wall / 1e9;
        out.put("status", "ok");
        out.put("wallS", round(seconds));
        out.put("promptsPerS", round(prompts / seconds));
        out.put("cpuMicrosPerPrompt", round(cpu / 1000.0 / prompts));
        out.put("cpuUtilisation", round(cpu / 1e9 / seconds));
        out.put("ledgerBytesPerPrompt", kind.equals("sqlite") ? round(ledgerBytes(file) / (double) prompts) : 0);
    }

    private static List<FanOutResult> run(AgentJobsClient client, JobLedger ledger, String prefix, int n,
                                          int inFlight) {
        FanOutOptions options = FanOutOptions.builder().createRate(CreateRate.unlimited()).createsInFlight(inFlight)
                .pollPolicy(PollPolicy.fixed(Duration.ofSeconds(1))).build();
        Flux<PromptInput> prompts = Flux.range(1, n)
                .map(i -> new PromptInput(prefix + "-" + i, "Refresh documentation page " + prefix + "-" + i));
        return FanOut.create(client, ledger).fanOut(prompts, options).collectList().block(Duration.ofMinutes(10));
    }

    private static void check(List<FanOutResult> results, int n) {
        long completed = results.stream().filter(r -> r.state() == PromptState.COMPLETED).count();
        if (results.size() != n || completed != n) {
            throw new IllegalStateException(n + " prompts gave " + results.size() + " results, " + completed
                    + " completed");
        }
    }

    /** The ledger file and its write-ahead log as left after close (SQLite folds the WAL in on a clean close). */
    private static long ledgerBytes(Path file) throws IOException {
        long bytes = Files.size(file);
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        return Files.exists(wal) ? bytes + Files.size(wal) : bytes;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static JobLedger open(String kind, Path file) {
        return switch (kind) {
            case "sqlite" -> SqliteJobLedger.open(file);
            case "memory" -> JobLedger.inMemory();
            default -> throw new IllegalArgumentException("--ledger must be sqlite or memory, was " + kind);
        };
    }
}
