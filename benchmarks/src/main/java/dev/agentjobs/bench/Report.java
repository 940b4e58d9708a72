package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the JSON lines of a run (one per client JVM, plus the economy lines) into the results file: the
 * median of every figure over the rounds per implementation and N, the ratios the issue asks for at
 * N = 10,000, a Markdown table and a chart ({@link Chart}).
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.Report --in runs.jsonl --machine machine.json --out results.json \
 *     --md results/RESULTS.md --png results/chart.png
 * </pre>
 */
public final class Report {

    static final List<String> IMPLS = List.of("agentjobs", "raw-netty", "azure-poller", "virtual-threads", "threads");
    private static final String[] FIGURES = {"cpuMicrosPerPoll", "heapBytesPerJob", "threads", "polls", "errors",
        "pollsPerS", "targetPollsPerS", "cpuUtilisation", "gcMsInWindow"};
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        List<JsonNode> runs = readRuns(Path.of(Args.required(opts, "in")));
        ObjectNode report = JSON.createObjectNode();
        report.set("machine", JSON.readTree(Path.of(Args.required(opts, "machine")).toFile()));
        ArrayNode results = report.putArray("results");
        aggregate(runs).forEach(results::add);
        report.set("ratios", ratios(results));
        report.set("runs", JSON.valueToTree(runs));
        JSON.writeValue(Path.of(Args.required(opts, "out")).toFile(), report);
        Path md = Path.of(Args.required(opts, "md"));
        Files.createDirectories(md.toAbsolutePath().getParent());
        Files.writeString(md, Markdown.render(report, opts.getOrDefault("png-name", "chart.png")));
        Chart.write(results, Path.of(Args.required(opts, "png")));
    }

    /** One entry per scenario, implementation and N: medians over the rounds that ended ok. */
    static List<ObjectNode> aggregate(List<JsonNode> runs) {
        Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
        for (JsonNode run : runs) {
            String key = run.path("scenario").asText() + "|" + run.path("impl").asText() + "|" + run.path("jobs").asInt();
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(run);
        }
        List<ObjectNode> out = new ArrayList<>();
        for (List<JsonNode> group : groups.values()) {
            JsonNode first = group.get(0);
            ObjectNode r = JSON.createObjectNode();
            r.put("scenario", first.path("scenario").asText());
            r.put("impl", first.path("impl").asText());
            r.put("jobs", first.path("jobs").asInt());
            List<JsonNode> ok = group.stream().filter(g -> "ok".equals(g.path("status").asText())).toList();
            if (ok.isEmpty()) {
                r.put("status", first.path("status").asText("failed"));
                r.put("reason", first.path("reason").asText(null));
                r.put("rounds", group.size());
                out.add(r);
                continue;
            }
            r.put("status", "ok");
            r.putNull("reason");
            r.put("rounds", ok.size());
            if (ok.size() < group.size()) {
                r.put("note", (group.size() - ok.size()) + " of " + group.size() + " rounds did not end ok: "
                        + group.stream().filter(g -> !"ok".equals(g.path("status").asText()))
                                .map(g -> g.path("reason").asText()).findFirst().orElse(""));
            }
            if ("economy".equals(r.get("scenario").asText())) {
                for (String f : new String[] {"requestsPerJob", "meanLagMs", "p95LagMs", "maxLagMs"}) {
                    r.put(f, median(ok, f));
                }
                r.put("policy", first.path("policy").asText());
            } else {
                for (String f : FIGURES) {
                    r.put(f, median(ok, f));
                }
                ObjectNode late = r.putObject("latenessMs");
                for (String p : new String[] {"p50", "p99", "max"}) {
                    late.put(p, median(ok.stream().map(n -> n.path("latenessMs")).toList(), p));
                }
                ObjectNode answer = r.putObject("answerMs");
                for (String p : new String[] {"p50", "p99"}) {
                    answer.put(p, median(ok.stream().map(n -> n.path("answerMs")).toList(), p));
                }
                r.put("intervalMs", first.path("intervalMs").asLong());
                r.put("windowS", first.path("windowS").asDouble());
            }
            out.add(r);
        }
        return out;
    }

    /** The runs of a raw JSON-lines file, one object a line; blank lines skipped. */
    static List<JsonNode> readRuns(Path file) throws IOException {
        List<JsonNode> runs = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                runs.add(JSON.readTree(line));
            }
        }
        return runs;
    }

    static double median(List<JsonNode> nodes, String field) {
        double[] v = nodes.stream().mapToDouble(n -> n.path(field).asDouble()).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        double m = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return Math.round(m * 100) / 100.0;
    }

    /** The ratios of the issue, at N = 10,000; null where a side is missing. */
    static ObjectNode ratios(ArrayNode results) {
        ObjectNode r = JSON.createObjectNode();
        ratio(r, "cpuPerPoll_agentjobs_over_raw", results, "agentjobs", "raw-netty", "cpuMicrosPerPoll");
        ratio(r, "cpuPerPoll_agentjobs_over_azure", results, "agentjobs", "azure-poller", "cpuMicrosPerPoll");
        ratio(r, "cpuPerPoll_virtualThreads_over_agentjobs", results, "virtual-threads", "agentjobs",
                "cpuMicrosPerPoll");
        ratio(r, "heapPerJob_azure_over_agentjobs", results, "azure-poller", "agentjobs", "heapBytesPerJob");
        ratio(r, "heapPerJob_virtualThreads_over_agentjobs", results, "virtual-threads", "agentjobs",
                "heapBytesPerJob");
        ratio(r, "requestsPerJob_fixed5s_over_agentjobs", results, "fixed-5s", "agentjobs", "requestsPerJob");
        ratio(r, "meanLag_agentjobs_over_fixed5s", results, "agentjobs", "fixed-5s", "meanLagMs");
        return r;
    }

    private static void ratio(ObjectNode out, String name, ArrayNode results, String top, String bottom, String field) {
        String scenario = field.equals("requestsPerJob") || field.equals("meanLagMs") ? "economy" : "watch";
        Double a = figure(results, scenario, top, field);
        Double b = figure(results, scenario, bottom, field);
        if (a == null || b == null || b == 0) {
            out.putNull(name);
        } else {
            out.put(name, Math.round(a / b * 100) / 100.0);
        }
    }

    static Double figure(ArrayNode results, String scenario, String impl, String field) {
        for (JsonNode r : results) {
            boolean n = "economy".equals(scenario) || r.path("jobs").asInt() == 10_000;
            if (n && scenario.equals(r.path("scenario").asText()) && impl.equals(r.path("impl").asText())
                    && "ok".equals(r.path("status").asText()) && r.has(field)) {
                return r.get(field).asDouble();
            }
        }
        return null;
    }

    static int[] jobCounts(Iterable<JsonNode> results) {
        List<Integer> ns = new ArrayList<>();
        for (JsonNode r : results) {
            if ("watch".equals(r.path("scenario").asText()) && !ns.contains(r.path("jobs").asInt())) {
                ns.add(r.path("jobs").asInt());
            }
        }
        return ns.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
