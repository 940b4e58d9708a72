package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of the {@code fanout} scenario: medians over the rounds of each ledger (with their [lowest, highest]
 * under {@code spread}), the ratio of CPU per prompt
 * with the SQLite ledger to the in-memory one (the target: at most 1.15), as JSON and a Markdown table.
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.FanOutReport --in runs-fanout.jsonl --machine machine.json \
 *     --out results/results-fanout.json --md results/RESULTS-fanout.md
 * </pre>
 */
public final class FanOutReport {

    static final double TARGET_CPU_RATIO = 1.15;
    private static final List<String> LEDGERS = List.of("sqlite", "memory");
    private static final String[] FIGURES = {"promptsPerS", "cpuMicrosPerPrompt", "cpuUtilisation",
        "ledgerBytesPerPrompt", "wallS"};
    // Where the CPU per prompt goes (ThreadCpu's groups, from each run's "threads"), and the ledger's work per prompt.
    private static final Map<String, String> PARTS = new java.util.LinkedHashMap<>();

    static {
        PARTS.put("userMicros", "user CPU (us per prompt)");
        PARTS.put("systemMicros", "system CPU (us per prompt)");
        PARTS.put("eventLoopMicros", "event loop thread, user + system (us)");
        PARTS.put("ledgerWriterMicros", "ledger writer thread, user + system (us)");
        PARTS.put("ledgerWriterSystemMicros", "of which system (us)");
        PARTS.put("jitMicros", "JIT compiler threads (us)");
        PARTS.put("gcMicros", "GC threads (us)");
        PARTS.put("otherMicros", "other threads, and threads that ended (us)");
        PARTS.put("eventLoopSwitches", "event loop: voluntary context switches per prompt");
        PARTS.put("ledgerWriterSwitches", "ledger writer: voluntary context switches per prompt");
        PARTS.put("commits", "ledger transactions per prompt");
        PARTS.put("syncedCommits", "of which synced (fsync) per prompt");
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FanOutReport() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        List<JsonNode> runs = Report.readRuns(Path.of(Args.required(opts, "in")));
        ObjectNode report = JSON.createObjectNode();
        JsonNode machine = JSON.readTree(Path.of(Args.required(opts, "machine")).toFile());
        report.set("machine", machine);
        ObjectNode medians = report.putObject("medians");
        for (String ledger : LEDGERS) {
            ObjectNode m = medians.putObject(ledger);
            List<JsonNode> ok = runs.stream().filter(r -> r.path("ledger").asText().equals(ledger)
                    && r.path("status").asText().equals("ok")).toList();
            m.put("rounds", ok.size());
            ObjectNode spread = JSON.createObjectNode();
            for (String f : FIGURES) {
                Report.summarise(ok, f, m, spread, f);
            }
            m.set("spread", spread);
            List<JsonNode> parts = ok.stream().map(FanOutReport::breakdown).toList();
            ObjectNode b = m.putObject("breakdown");
            for (String part : PARTS.keySet()) {
                b.put(part, Report.median(parts, part));
            }
        }
        double ratio = medians.path("sqlite").path("cpuMicrosPerPrompt").asDouble()
                / medians.path("memory").path("cpuMicrosPerPrompt").asDouble();
        report.put("cpuPerPromptRatio", Math.round(ratio * 1000) / 1000.0);
        report.put("targetCpuRatio", TARGET_CPU_RATIO);
        report.put("targetMet", ratio <= TARGET_CPU_RATIO);
        report.set("runs", JSON.valueToTree(runs));
        JSON.writeValue(Path.of(Args.required(opts, "out")).toFile(), report);
        Path md = Path.of(Args.required(opts, "md"));
        Files.writeString(md, markdown(report, machine));
    }

    private static String cell(JsonNode m, String field, String format) {
        JsonNode range = m.path("spread").path(field);
        String median = String.format(Locale.ROOT, format, m.path(field).asDouble());
        if (!range.isArray() || m.path("rounds").asInt() < 2) {
            return median;
        }
        return median + " (" + String.format(Locale.ROOT, format, range.path(0).asDouble()) + ".."
                + String.format(Locale.ROOT, format, range.path(1).asDouble()) + ")";
    }

    private static String figure(ObjectNode report, String ledger, String key) {
        double v = report.path("medians").path(ledger).path("breakdown").path(key).asDouble(Double.NaN);
        return Double.isNaN(v) ? "-" : v == 0 ? "0" : v >= 10 ? String.format(Locale.ROOT, "%.0f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    /** One run's breakdown, flattened to the keys of {@link #PARTS}. */
    private static JsonNode breakdown(JsonNode run) {
        JsonNode t = run.path("threads");
        ObjectNode b = JSON.createObjectNode();
        b.put("userMicros", t.path("userMicrosPerPrompt").asDouble());
        b.put("systemMicros", t.path("systemMicrosPerPrompt").asDouble());
        b.put("eventLoopMicros", cpu(t.path("eventLoop")));
        b.put("ledgerWriterMicros", cpu(t.path("ledgerWriter")));
        b.put("ledgerWriterSystemMicros", t.path("ledgerWriter").path("systemMicros").asDouble());
        b.put("jitMicros", cpu(t.path("jit")));
        b.put("gcMicros", cpu(t.path("gc")));
        b.put("otherMicros", cpu(t.path("other")) + t.path("exitedThreadsMicros").asDouble()
                + t.path("closeMicros").asDouble());
        b.put("eventLoopSwitches", t.path("eventLoop").path("voluntarySwitches").asDouble());
        b.put("ledgerWriterSwitches", t.path("ledgerWriter").path("voluntarySwitches").asDouble());
        b.put("commits", run.path("commitsPerPrompt").asDouble());
        b.put("syncedCommits", run.path("syncedCommitsPerPrompt").asDouble());
        return b;
    }

    private static double cpu(JsonNode group) {
        return group.path("userMicros").asDouble() + group.path("systemMicros").asDouble();
    }

    private static String markdown(ObjectNode report, JsonNode machine) {
        StringBuilder sb = new StringBuilder("# Fan-out: SQLite ledger against the in-memory ledger\n\n");
        JsonNode any = report.path("runs").path(0);
        sb.append(String.format(Locale.ROOT, "%s prompts per run, no rate limit, simulator jobs of 1-3 s, "
                + "`FanOut.create(client, ledger).fanOut(...)` with %s creates in flight and a fixed 1 s "
                + "poll; a warm-up fan-out of 1,000 prompts on the same kind of ledger before each measured one. "
                + "Medians of %s interleaved rounds (sqlite, memory, sqlite, ...), one fresh JVM per run.%n%n",
                any.path("prompts").asText("?"), any.path("createsInFlight").asText("?"),
                machine.path("rounds").asText("?")));
        sb.append("Each cell: the median, then (lowest..highest round).\n\n");
        sb.append("| ledger | prompts/s | CPU per prompt (us) | CPU use (cores) | ledger bytes per prompt | rounds |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (String ledger : LEDGERS) {
            JsonNode m = report.path("medians").path(ledger);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |%n", ledger,
                    cell(m, "promptsPerS", "%.0f"), cell(m, "cpuMicrosPerPrompt", "%.1f"),
                    cell(m, "cpuUtilisation", "%.2f"), cell(m, "ledgerBytesPerPrompt", "%.0f"),
                    m.path("rounds").asInt()));
        }
        sb.append(String.format(Locale.ROOT, "%nCPU per prompt, SQLite / in-memory: **%.3f** (target at most %.2f: %s).%n",
                report.path("cpuPerPromptRatio").asDouble(), TARGET_CPU_RATIO,
                report.path("targetMet").asBoolean() ? "met" : "missed"));
        sb.append("\nWhere it goes (medians per prompt over the rounds; per thread group from /proc/self/task, counted "
                + "in clock ticks of 10 ms):\n\n| | sqlite | memory |\n|---|---|---|\n");
        PARTS.forEach((key, label) -> sb.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", label,
                figure(report, "sqlite", key), figure(report, "memory", key))));
        sb.append("\nCPU per prompt: client process CPU time (all threads: event loop, ledger writer, GC, JIT) from "
                + "subscribing to the last result, over the prompts; it covers each prompt's create, its polls and "
                + "its ledger writes. Ledger bytes: the SQLite file plus its WAL after close, over the prompts.\n\n");
        sb.append(String.format(Locale.ROOT, "Machine: %s, %s cores, %s; %s; %s. %s Load average at start: %s. "
                + "Commit: %s.%n", machine.path("cpu").asText(), machine.path("cores").asText(),
                machine.path("memory").asText(), machine.path("os").asText(), machine.path("jdk").asText(),
                machine.path("pinning").asText(), machine.path("loadAverage").asText(),
                machine.path("commit").asText("unknown")));
        return sb.toString();
    }
}
