package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The Markdown of the economy frontier: per workload, the budget figures per family, then every point. */
final class FrontierReport {

    private FrontierReport() {
    }

    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> all) {
        StringBuilder md = new StringBuilder("# Economy frontier (issue 11)\n\n");
        md.append("Virtual time, the real engine over an in-process fake, 10,000 jobs per run submitted over 10 "
                + "minutes, the same seed for every policy (`Frontier` in benchmarks/). GETs are per job; lags are "
                + "from a job's end to its TERMINAL event. Adaptive families, all with the policy's maxInterval "
                + "(30 s unless a section says otherwise) and its 10% jitter: `optimal-true` plans with the "
                + "dynamic-programming optimum on the workload's true distribution (the reference), `sqrt-true` "
                + "with the first-order sqrt(2c / hazard) rule on it (what the optimum replaced); `learned-N`: the "
                + "optimum on a model that learned from N jobs of a separate training fleet, frozen; "
                + "`learned-online`: one model learning from cold over the run. At 13 GETs and at 2.5 s: "
                + "interpolated between the two sweep points either side (- where the sweep does not reach it); "
                + "the sweep has target lags 7 and 7.5 s because the frontier is convex, and a chord from 6 to 8 s "
                + "overstated the lag at 13 GETs by about 0.15 s. Pareto: no other point has fewer GETs, lower mean "
                + "and lower p95 lag.\n");
        for (Map.Entry<String, Object> e : all.entrySet()) {
            Map<String, Object> w = (Map<String, Object>) e.getValue();
            md.append("\n## ").append(e.getKey()).append(": ").append(w.get("description")).append("\n\n");
            md.append("| family | mean lag at 13 GETs | p95 lag at 13 GETs | GETs at 2.5 s mean lag |\n");
            md.append("|---|---:|---:|---:|\n");
            Map<String, Object> summary = (Map<String, Object>) w.get("summary");
            for (Map.Entry<String, Object> f : summary.entrySet()) {
                Map<String, Object> s = (Map<String, Object>) f.getValue();
                if (s.containsKey("requestsPerJob")) {
                    md.append(String.format(Locale.ROOT, "| %s (one point) | %s at %.1f GETs | %s | - |%n",
                            f.getKey(), seconds(s.get("meanLagMs")), (Double) s.get("requestsPerJob"),
                            seconds(s.get("p95LagMs"))));
                } else {
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", f.getKey(),
                            seconds(s.get("meanLagMsAt13Gets")), seconds(s.get("p95LagMsAt13Gets")),
                            number(s.get("getsAt2500msMeanLag"))));
                }
            }
            md.append("\n| family | knob | GETs/job | mean lag | p95 lag | max lag | Pareto |\n");
            md.append("|---|---|---:|---:|---:|---:|:-:|\n");
            for (Map<String, Object> p : (List<Map<String, Object>>) w.get("points")) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %s | %s |%n", p.get("family"),
                        p.get("knob"), ((Number) p.get("requestsPerJob")).doubleValue(), seconds(p.get("meanLagMs")),
                        seconds(p.get("p95LagMs")), seconds(p.get("maxLagMs")),
                        Boolean.TRUE.equals(p.get("pareto")) ? "yes" : ""));
            }
            appendOnline(md, (List<Map<String, Object>>) w.get("points"));
            md.append("\nModels after training: ").append(w.get("trainedModels")).append('\n');
        }
        return md.toString();
    }

    /**
     * The sections that come from other runs, when their files are in {@code dir}: the shift detector's
     * ({@link ShiftDetection}, {@code shift-detection.json}) and the adaptive families with a 60 s cap
     * ({@code cap60/economy-frontier.json}), the learned-200 figures over ten training fleets ({@link TrainingSeeds},
     * {@code training-seeds.md}), and the planning cost measured by JMH ({@code planning-cost.md}).
     */
    @SuppressWarnings("unchecked")
    static String extras(Path dir) throws IOException {
        StringBuilder md = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        Path cap = dir.resolve("cap60").resolve("economy-frontier.json");
        if (Files.exists(cap)) {
            Map<String, Object> all = json.readValue(cap.toFile(), Map.class);
            md.append("\n## The adaptive families with maxInterval 60 s (`--adaptive-cap 60s`)\n\n")
                    .append("The same runs, the adaptive policies capped at 60 s instead of the policy's 30 s (fixed and "
                            + "default unchanged). Full table: `cap60/ECONOMY.md`.\n");
            for (Map.Entry<String, Object> e : all.entrySet()) {
                Map<String, Object> w = (Map<String, Object>) e.getValue();
                md.append("\n").append(e.getKey()).append(":\n\n")
                        .append("| family | mean lag at 13 GETs | p95 lag at 13 GETs | GETs at 2.5 s mean lag |\n")
                        .append("|---|---:|---:|---:|\n");
                Map<String, Object> summary = (Map<String, Object>) w.get("summary");
                for (Map.Entry<String, Object> f : summary.entrySet()) {
                    Map<String, Object> s = (Map<String, Object>) f.getValue();
                    if (!s.containsKey("requestsPerJob")) {
                        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", f.getKey(),
                                seconds(s.get("meanLagMsAt13Gets")), seconds(s.get("p95LagMsAt13Gets")),
                                number(s.get("getsAt2500msMeanLag"))));
                    }
                }
            }
        }
        Path seeds = dir.resolve("training-seeds.md");
        if (Files.exists(seeds)) {
            md.append(Files.readString(seeds));
        }
        Path cost = dir.resolve("planning-cost.md");
        if (Files.exists(cost)) {
            md.append('\n').append(Files.readString(cost));
        }
        Path shift = dir.resolve("shift-detection.json");
        if (Files.exists(shift)) {
            md.append("\n## Shift detection (`ShiftDetection`, target lag 2.5 s, one model learning from cold)\n\n")
                    .append("Alarms over 10,000 jobs per run, per seed. `burst`: the economy fleet (16.7 jobs a second "
                            + "for 10 minutes; in `shift`, job 2,000 starts at 2 minutes, before the model could know the "
                            + "first durations, so there is no change to detect, only a mixture). `steady`: a job every "
                            + "5 s. Delay: seconds after the first slower job, slower jobs seen ended / submitted by "
                            + "then; median moved: slower jobs seen ended when the model's median was first within "
                            + "15% of the new 6 min.\n\n")
                    .append("| fleet | workload | seed | alarms | alarm: s / ended / submitted | median moved: ended | "
                            + "GETs/job after the shift | mean lag after | p95 lag after |\n")
                    .append("|---|---|---:|---:|---|---:|---:|---:|---:|\n");
            Map<String, Object> all = json.readValue(shift.toFile(), Map.class);
            for (Object runs : all.values()) {
                for (Map<String, Object> r : (List<Map<String, Object>>) runs) {
                    List<Map<String, Object>> alarms = (List<Map<String, Object>>) r.get("alarmDetails");
                    String first = alarms.isEmpty() || !alarms.get(0).containsKey("secondsAfterShift") ? "-"
                            : alarms.get(0).get("secondsAfterShift") + " s / " + alarms.get(0).get("slowerJobsEnded")
                            + " / " + alarms.get(0).get("slowerJobsSubmitted");
                    Map<String, Object> moved = (Map<String, Object>) r.get("medianWithin15PercentOfNew");
                    Map<String, Object> after = (Map<String, Object>) r.get("jobsAfterShift");
                    md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                            r.get("fleet"), r.get("workload"), r.get("seed"), r.get("alarms"), first,
                            moved == null ? "-" : moved.get("slowerJobsEnded"),
                            after == null ? "-" : number(after.get("requestsPerJob")),
                            after == null ? "-" : seconds(after.get("meanLagMs")),
                            after == null ? "-" : seconds(after.get("p95LagMs"))));
                }
            }
        }
        return md.toString();
    }

    @SuppressWarnings("unchecked")
    private static void appendOnline(StringBuilder md, List<Map<String, Object>> points) {
        for (Map<String, Object> p : points) {
            if (!"learned-online".equals(p.get("family"))) {
                continue;
            }
            md.append("\n`learned-online` ").append(p.get("knob")).append(": at the end ").append(p.get("model"));
            Object segments = p.get("segments");
            if (segments instanceof Map<?, ?> seg) {
                for (Map.Entry<?, ?> s : seg.entrySet()) {
                    Map<String, Object> f = (Map<String, Object>) s.getValue();
                    md.append(String.format(Locale.ROOT, "; %s: %.1f GETs, mean %s", s.getKey(),
                            ((Number) f.get("requestsPerJob")).doubleValue(), seconds(f.get("meanLagMs"))));
                }
            }
            md.append('\n');
        }
    }

    private static String seconds(Object ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.2f s", ((Number) ms).doubleValue() / 1000);
    }

    private static String number(Object v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f", ((Number) v).doubleValue());
    }
}
