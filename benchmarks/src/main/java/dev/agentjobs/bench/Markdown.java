package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
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
            md.append("Quick mode: short warm-up and window, so JIT compilation still runs inside the window "
                    + "and inflates CPU per poll; use the full run for figures to quote.\n\n");
        }
        md.append("![CPU per poll and heap per job against N](").append(pngName).append(")\n\n");
        md.append("## watch: N jobs polled at the same rate by every implementation\n\n");
        md.append("| impl | N | status | CPU us/poll | heap B/job | threads | lateness p50 / p99 / max ms "
                + "| answer p50 / p99 ms | polls | polls/s (target) | errors |\n|---|---:|---|---:|---:|---:|---|---|---:|---|---:|\n");
        for (int n : Report.jobCounts(report.path("results"))) {
            for (String impl : Report.IMPLS) {
                JsonNode r = find(report, "watch", impl, n);
                if (r == null) {
                    continue;
                }
                md.append("| ").append(impl).append(" | ").append(String.format("%,d", n)).append(" | ");
                if (!"ok".equals(r.path("status").asText())) {
                    md.append(r.path("status").asText()).append(": ").append(cell(r.path("reason").asText()))
                            .append(" | | | | | | | | |\n");
                    continue;
                }
                JsonNode a = r.path("answerMs");
                JsonNode l = r.path("latenessMs");
                md.append("ok | ").append(num(r, "cpuMicrosPerPoll")).append(" | ").append(num(r, "heapBytesPerJob"))
                        .append(" | ").append(r.path("threads").asInt()).append(" | ")
                        .append(l.path("p50").asDouble()).append(" / ").append(l.path("p99").asDouble()).append(" / ")
                        .append(l.path("max").asDouble()).append(" | ").append(a.path("p50").asDouble()).append(" / ")
                        .append(a.path("p99").asDouble()).append(" | ").append(r.path("polls").asLong()).append(" | ")
                        .append(num(r, "pollsPerS")).append(" (").append(num(r, "targetPollsPerS")).append(") | ")
                        .append(r.path("errors").asLong()).append(" |\n");
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
                md.append(r.path("requestsPerJob").asDouble()).append(" | ").append(num(r, "meanLagMs"))
                        .append(" | ").append(num(r, "p95LagMs")).append(" | ").append(num(r, "maxLagMs")).append(" |\n");
            }
        }
        md.append("\n`agentjobs` is `PollPolicy.defaults()`; `fixed-5s` is `PollPolicy.fixed(5 s)`, both on the "
                + "real engine.\n\n## Ratios (N = 10,000, medians)\n\n| ratio | value | target |\n|---|---:|---|\n");
        Iterator<Map.Entry<String, JsonNode>> it = report.path("ratios").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            md.append("| ").append(e.getKey()).append(" | ").append(e.getValue().isNull() ? "n/a" : e.getValue().asText())
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

    private static JsonNode find(JsonNode report, String scenario, String impl, int n) {
        for (JsonNode r : report.path("results")) {
            if (scenario.equals(r.path("scenario").asText()) && impl.equals(r.path("impl").asText())
                    && r.path("jobs").asInt() == n) {
                return r;
            }
        }
        return null;
    }

    private static String num(JsonNode r, String field) {
        return String.format("%,.0f", r.path(field).asDouble());
    }

    private static String cell(String text) {
        String t = text.replace('|', '/').replace('\n', ' ');
        return t.length() > 160 ? t.substring(0, 157) + "..." : t;
    }
}
