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
 * median of every figure over the rounds per implementation and N with its spread (lowest and highest round,
 * under {@code spread}), the ratios the issue asks for at N = 10,000 with the range the rounds allow, a
 * Markdown table and a chart ({@link Chart}).
 *
 * <p>Two virtual-thread variants run ({@code virtual-threads}, the JDK client's default executor, and
 * {@code virtual-threads-tuned}, its executor on virtual threads); at each N the one with the lower median CPU
 * per poll is the peer ({@code "peer": true}) the ratios compare with, both are reported.
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.Report --in runs.jsonl --machine machine.json --out results.json \
 *     --md results/RESULTS.md --png results/chart.png
 * </pre>
 */
public final class Report {

    static final List<String> IMPLS = List.of("agentjobs", "agentjobs-adaptive", "raw-netty", "azure-poller",
            "virtual-threads", "virtual-threads-tuned", "threads");
    static final List<String> VIRTUAL_THREADS = List.of("virtual-threads", "virtual-threads-tuned");
    private static final String[] FIGURES = {"cpuMicrosPerPoll", "heapBytesPerJob", "threads", "polls", "errors",
        "pollsPerS", "targetPollsPerS", "cpuUtilisation", "gcCountInWindow", "gcMsInWindow"};
    private static final String[] ECONOMY_FIGURES = {"requestsPerJob", "meanLagMs", "p95LagMs", "maxLagMs"};
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
        markVirtualThreadsPeer(results);
        report.set("ratios", ratios(results, false));
        report.set("ratioRanges", ratios(results, true));
        report.set("runs", JSON.valueToTree(runs));
        JSON.writeValue(Path.of(Args.required(opts, "out")).toFile(), report);
        Path md = Path.of(Args.required(opts, "md"));
        Files.createDirectories(md.toAbsolutePath().getParent());
        Files.writeString(md, Markdown.render(report, opts.getOrDefault("png-name", "chart.png")));
        Chart.write(results, Path.of(Args.required(opts, "png")));
    }

    /**
     * One entry per scenario, implementation and N: medians over the rounds that ended ok, and under
     * {@code spread} each figure's [lowest, highest] round.
     */
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
            ObjectNode spread = JSON.createObjectNode();
            if ("economy".equals(r.get("scenario").asText())) {
                for (String f : ECONOMY_FIGURES) {
                    summarise(ok, f, r, spread, f);
                }
                r.put("policy", first.path("policy").asText());
            } else {
                for (String f : FIGURES) {
                    summarise(ok, f, r, spread, f);
                }
                ObjectNode late = r.putObject("latenessMs");
                List<JsonNode> lateness = ok.stream().map(n -> n.path("latenessMs")).toList();
                for (String p : new String[] {"p50", "p99", "max"}) {
                    summarise(lateness, p, late, spread, "latenessMs." + p);
                }
                ObjectNode answer = r.putObject("answerMs");
                List<JsonNode> answers = ok.stream().map(n -> n.path("answerMs")).toList();
                for (String p : new String[] {"p50", "p99"}) {
                    summarise(answers, p, answer, spread, "answerMs." + p);
                }
                r.put("intervalMs", first.path("intervalMs").asLong());
                r.put("windowS", first.path("windowS").asDouble());
                if (first.has("setup")) {
                    r.set("setup", first.get("setup"));
                }
            }
            r.set("spread", spread);
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

    /**
     * Puts the median of {@code field} into {@code into} and its [lowest, highest] as {@code name} into
     * {@code spread} (nothing there when there are no nodes).
     */
    static void summarise(List<JsonNode> nodes, String field, ObjectNode into, ObjectNode spread, String name) {
        into.put(field, median(nodes, field));
        double[] v = nodes.stream().mapToDouble(n -> n.path(field).asDouble()).sorted().toArray();
        if (v.length > 0) {
            spread.putArray(name).add(v[0]).add(v[v.length - 1]);
        }
    }

    /**
     * At each N, marks with {@code "peer": true} the virtual-thread variant the ratios compare with: the one
     * with the lower median CPU per poll among those that ended ok.
     */
    static void markVirtualThreadsPeer(ArrayNode results) {
        for (int n : jobCounts(results)) {
            ObjectNode best = null;
            for (JsonNode r : results) {
                if (isWatch(r, n) && VIRTUAL_THREADS.contains(r.path("impl").asText())) {
                    ObjectNode o = (ObjectNode) r;
                    o.put("peer", false);
                    if ("ok".equals(r.path("status").asText()) && (best == null
                            || r.path("cpuMicrosPerPoll").asDouble() < best.path("cpuMicrosPerPoll").asDouble())) {
                        best = o;
                    }
                }
            }
            if (best != null) {
                best.put("peer", true);
            }
        }
    }

    private static boolean isWatch(JsonNode r, int n) {
        return "watch".equals(r.path("scenario").asText()) && r.path("jobs").asInt() == n;
    }

    static double median(List<JsonNode> nodes, String field) {
        double[] v = nodes.stream().mapToDouble(n -> n.path(field).asDouble()).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return round2(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
    }

    /**
     * The ratios of the issue, at N = 10,000, of the medians; or with {@code ranges}, each ratio's [lowest,
     * highest] the rounds allow (lowest top over highest bottom, and the reverse). Null where a side is missing.
     * {@code virtual-threads} stands for the variant marked as the peer.
     */
    static ObjectNode ratios(ArrayNode results, boolean ranges) {
        ObjectNode r = JSON.createObjectNode();
        ratio(r, ranges, "cpuPerPoll_agentjobs_over_raw", results, "agentjobs", "raw-netty", "cpuMicrosPerPoll");
        ratio(r, ranges, "cpuPerPoll_agentjobs_over_azure", results, "agentjobs", "azure-poller", "cpuMicrosPerPoll");
        ratio(r, ranges, "cpuPerPoll_adaptive_over_agentjobs", results, "agentjobs-adaptive", "agentjobs",
                "cpuMicrosPerPoll");
        ratio(r, ranges, "cpuPerPoll_virtualThreads_over_agentjobs", results, "virtual-threads", "agentjobs",
                "cpuMicrosPerPoll");
        ratio(r, ranges, "heapPerJob_azure_over_agentjobs", results, "azure-poller", "agentjobs", "heapBytesPerJob");
        ratio(r, ranges, "heapPerJob_virtualThreads_over_agentjobs", results, "virtual-threads", "agentjobs",
                "heapBytesPerJob");
        ratio(r, ranges, "requestsPerJob_fixed5s_over_agentjobs", results, "fixed-5s", "agentjobs", "requestsPerJob");
        ratio(r, ranges, "meanLag_agentjobs_over_fixed5s", results, "agentjobs", "fixed-5s", "meanLagMs");
        return r;
    }

    private static void ratio(ObjectNode out, boolean ranges, String name, ArrayNode results, String top,
                              String bottom, String field) {
        String scenario = field.equals("requestsPerJob") || field.equals("meanLagMs") ? "economy" : "watch";
        JsonNode a = result(results, scenario, top);
        JsonNode b = result(results, scenario, bottom);
        if (a == null || b == null || !a.has(field) || b.path(field).asDouble() == 0) {
            out.putNull(name);
        } else if (!ranges) {
            out.put(name, round2(a.get(field).asDouble() / b.get(field).asDouble()));
        } else {
            JsonNode sa = a.path("spread").path(field);
            JsonNode sb = b.path("spread").path(field);
            out.putArray(name).add(round2(sa.path(0).asDouble() / sb.path(1).asDouble()))
                    .add(round2(sa.path(1).asDouble() / sb.path(0).asDouble()));
        }
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    /** The entry of {@code impl} that ended ok (at N = 10,000 for watch; the peer for "virtual-threads"). */
    private static JsonNode result(ArrayNode results, String scenario, String impl) {
        for (JsonNode r : results) {
            boolean n = "economy".equals(scenario) || r.path("jobs").asInt() == 10_000;
            boolean named = impl.equals("virtual-threads") && "watch".equals(scenario)
                    ? r.path("peer").asBoolean() : impl.equals(r.path("impl").asText());
            if (n && named && scenario.equals(r.path("scenario").asText()) && "ok".equals(r.path("status").asText())) {
                return r;
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
