package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The Markdown page of a results file: machine, watch table, economy table, ratios and targets. */
final class Markdown {

    private Markdown() {
    }

    static String render(JsonNode report, String pngName) {
        StringBuilder md = new StringBuilder("# agentjobs benchmark results\n\n");
        JsonNode m = report.path("machine");
        md.append("Measured ").append(m.path("date").asText()).append(" on ").append(m.path("cpu").asText())
                .append(", ").append(m.path("cores").asText()).append(" cores, ").append(m.path("memory").asText())
                .append(", ").append(m.path("os").asText()).append(", JDK ").append(m.path("jdk").asText())
                .append(". ").append(m.path("pinning").asText()).append(" Mode: ").append(m.path("mode").asText())
                .append(", ").append(m.path("rounds").asText()).append(" rounds, implementations interleaved, ")
                .append("medians shown. Load average at start: ").append(m.path("loadAverage").asText())
                .append(".\n\n");
        if (m.path("mode").asText().equals("quick")) {
            md.append("Quick mode: a short warm-up, so JIT compilation still runs inside the window and inflates "
                    + "CPU per poll; each window covers at least three poll intervals. Use the full run for figures "
                    + "to quote.\n\n");
        }
        md.append("![CPU per poll and heap per job against N](").append(pngName).append(")\n\n");
        md.append("## watch: N jobs polled at the same rate by every implementation\n\n");
        md.append("Each cell: the median of the rounds, then (lowest..highest round). GC: collections in the window"
                + " and their pause time.\n\n");
        md.append("| impl | N | status | CPU us/poll | heap B/job | threads | polls/s of target | GC count | GC ms "
                + "| errors |\n|---|---:|---|---:|---:|---:|---|---:|---:|---:|\n");
        for (JsonNode r : watchRows(report)) {
            md.append(rowStart(r));
            if (!"ok".equals(r.path("status").asText())) {
                md.append(r.path("status").asText()).append(": ").append(cell(r.path("reason").asText()))
                        .append(" | | | | | | | |\n");
                continue;
            }
            md.append("ok | ").append(spread(r, "cpuMicrosPerPoll")).append(" | ").append(spread(r, "heapBytesPerJob"))
                    .append(" | ").append(spread(r, "threads")).append(" | ").append(spread(r, "pollsPerS"))
                    .append(" of ").append(num(r.path("targetPollsPerS").asDouble())).append(" | ")
                    .append(spread(r, "gcCountInWindow")).append(" | ").append(spread(r, "gcMsInWindow")).append(" | ")
                    .append(spread(r, "errors")).append(" |\n");
        }
        md.append("\nTimes of the same runs, in ms: lateness (how long after its due time a poll left) and answer "
                + "(send to answer).\n\n| impl | N | lateness p50 | lateness p99 | lateness max | answer p50 "
                + "| answer p99 | polls in window |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (JsonNode r : watchRows(report)) {
            if ("ok".equals(r.path("status").asText())) {
                md.append(rowStart(r)).append(spread(r, "latenessMs", "p50")).append(" | ")
                        .append(spread(r, "latenessMs", "p99")).append(" | ").append(spread(r, "latenessMs", "max"))
                        .append(" | ").append(spread(r, "answerMs", "p50")).append(" | ")
                        .append(spread(r, "answerMs", "p99")).append(" | ").append(spread(r, "polls")).append(" |\n");
            }
        }
        md.append("\n`virtual-threads` keeps the JDK client's default executor (a cached pool of platform threads), "
                + "`virtual-threads-tuned` gives it `Executors.newVirtualThreadPerTaskExecutor()`; at each N the one "
                + "with the lower median CPU per poll is the peer the ratios use (marked).\n");
        for (JsonNode r : watchRows(report)) {
            JsonNode setup = r.path("setup");
            if ("agentjobs-adaptive".equals(r.path("impl").asText()) && setup.has("plannedGapMs")) {
                md.append("\n`agentjobs-adaptive` at N = ").append(String.format("%,d", r.path("jobs").asInt()))
                        .append(": `").append(setup.path("policy").asText()).append("` with `")
                        .append(setup.path("model").asText()).append("`, planning ")
                        .append(setup.path("plannedGapMs").asLong()).append(" ms by hazard at the jobs' age (")
                        .append(setup.path("jobAgeAtStartMs").asLong() / 1000).append(" s in the first round) "
                        + "against the others' ").append(r.path("intervalMs").asLong()).append(" ms.\n");
            }
        }
        md.append("\n## economy: 10,000 jobs, log-normal durations (median 3 min, sigma 0.6), virtual time\n\n");
        md.append("| policy | GETs per job | mean lag ms | p95 lag ms | max lag ms |\n|---|---:|---:|---:|---:|\n");
        for (JsonNode r : report.path("results")) {
            if ("economy".equals(r.path("scenario").asText())) {
                md.append("| ").append(r.path("impl").asText()).append(" | ");
                if (!"ok".equals(r.path("status").asText())) {
                    md.append(r.path("status").asText()).append(": ").append(cell(r.path("reason").asText()))
                            .append(" | | | |\n");
                    continue;
                }
                md.append(r.path("requestsPerJob").asDouble()).append(" | ").append(num(r.path("meanLagMs").asDouble()))
                        .append(" | ").append(num(r.path("p95LagMs").asDouble())).append(" | ")
                        .append(num(r.path("maxLagMs").asDouble())).append(" |\n");
            }
        }
        md.append("\n`agentjobs` is `PollPolicy.defaults()`; `fixed-5s` is `PollPolicy.fixed(5 s)`, both on the "
                + "real engine (virtual time: one deterministic run, no spread).\n\n## Ratios (N = 10,000)\n\n"
                + "Of the medians; the range pairs the rounds' extremes (lowest over highest, highest over lowest)."
                + "\n\n| ratio | value | range | target |\n|---|---:|---|---|\n");
        Iterator<Map.Entry<String, JsonNode>> it = report.path("ratios").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode range = report.path("ratioRanges").path(e.getKey());
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().isNull() ? "n/a" : e.getValue().asText())
                    .append(" | ").append(range.isArray() ? range.path(0).asText() + ".." + range.path(1).asText() : "")
                    .append(" | ").append(target(e.getKey())).append(" |\n");
        }
        return md.toString();
    }

    private static String target(String ratio) {
        switch (ratio) {
            case "cpuPerPoll_agentjobs_over_raw":
                return "<= 1.25";
            case "cpuPerPoll_agentjobs_over_azure":
                return "<= 1.15";
            case "cpuPerPoll_virtualThreads_over_agentjobs":
                return ">= 1.75";
            case "heapPerJob_azure_over_agentjobs":
                return ">= 3 (and agentjobs <= 1 KB/job)";
            case "heapPerJob_virtualThreads_over_agentjobs":
                return ">= 4";
            default:
                return "";
        }
    }

    /** The watch entries, by N, then in the order of {@link Report#IMPLS}. */
    private static List<JsonNode> watchRows(JsonNode report) {
        List<JsonNode> rows = new ArrayList<>();
        for (int n : Report.jobCounts(report.path("results"))) {
            for (String impl : Report.IMPLS) {
                for (JsonNode r : report.path("results")) {
                    if ("watch".equals(r.path("scenario").asText()) && impl.equals(r.path("impl").asText())
                            && r.path("jobs").asInt() == n) {
                        rows.add(r);
                    }
                }
            }
        }
        return rows;
    }

    private static String rowStart(JsonNode r) {
        return "| " + r.path("impl").asText() + (r.path("peer").asBoolean() ? " (peer)" : "") + " | "
                + String.format("%,d", r.path("jobs").asInt()) + " | ";
    }

    /** A figure's median then its (lowest..highest) over the rounds, when there were several. */
    private static String spread(JsonNode r, String field) {
        return spread(r, field, r.path(field), field);
    }

    private static String spread(JsonNode r, String group, String field) {
        return spread(r, group + "." + field, r.path(group).path(field), group + "." + field);
    }

    private static String spread(JsonNode r, String name, JsonNode median, String spreadName) {
        JsonNode range = r.path("spread").path(spreadName);
        String m = num(median.asDouble());
        if (r.path("rounds").asInt() < 2 || !range.isArray()) {
            return m;
        }
        return m + " (" + num(range.path(0).asDouble()) + ".." + num(range.path(1).asDouble()) + ")";
    }

    /** Whole numbers from 100 up, two significant decimals below (lateness is often under a millisecond). */
    private static String num(double value) {
        if (Math.abs(value) >= 100 || value == Math.rint(value)) {
            return String.format("%,.0f", value);
        }
        return String.format("%.2f", value);
    }

    private static String cell(String text) {
        String t = text.replace('|', '/').replace('\n', ' ');
        return t.length() > 160 ? t.substring(0, 157) + "..." : t;
    }
}
