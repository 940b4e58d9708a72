package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentjobs.poll.DurationModel;
import dev.agentjobs.poll.FirstOrderRule;
import dev.agentjobs.poll.PollPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The economy frontier (issue 11): every poll-policy family swept over its knob, on three workloads, in
 * virtual time with the same seed for every run, and which points no other point beats on GETs per job, mean
 * lag and p95 lag together (the Pareto frontier).
 *
 * <p>Families: {@code fixed} (an interval from 2 to 30 s; {@code fixed-5s} is the seed's loop), {@code default}
 * ({@link PollPolicy#defaults()}), {@code optimal-true} (the adaptive schedule, the dynamic-programming optimum,
 * planned from the workload's true distribution: the reference), {@code sqrt-true} (the first-order
 * {@code sqrt(2c / hazard)} rule on the true distribution, which the optimum replaced), {@code learned-N} (the
 * adaptive schedule of a model that learned from N jobs of a separate training fleet, then frozen: N = 0 is the
 * cold start) and {@code learned-online} (one model learning from cold over the 10,000 jobs, as a long-running
 * service would). The adaptive families sweep the target lag. Writes {@code economy-frontier.json},
 * {@code ECONOMY.md} and {@code economy-frontier.png}.
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.Frontier --dir benchmarks/results [--workloads lognormal,bimodal,shift]
 *     [--adaptive-cap 60s]   (the adaptive families' maxInterval; default 30 s, the policy's)
 *     [--report-only]        (rewrite ECONOMY.md from the JSON files in --dir)
 * </pre>
 */
public final class Frontier {

    static final double[] FIXED_SECONDS = {2, 3, 5, 8, 10, 15, 20, 30};
    /**
     * 7 and 7.5 s sit either side of 13 GETs on the log-normal: the frontier is convex, so a chord between 6 and
     * 8 s (the sweep before) overstated the lag at 13 GETs by about 0.15 s.
     */
    static final double[] TARGET_SECONDS = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 7.5, 8, 10, 15};
    static final int[] TRAINED = {0, 30, 200, 1_000};
    /** The budgets of the issue: the default's GETs per job and the fixed 5 s loop's mean lag. */
    static final double BUDGET_GETS = 13;
    static final double BUDGET_LAG_MS = 2_500;
    /** The adaptive families' maxInterval: the policy's default 30 s, or {@code --adaptive-cap}. */
    private static Duration adaptiveCap = PollPolicy.defaults().maxInterval();

    private Frontier() {
    }

    /** One policy setting's figures. */
    record Point(String family, String knob, Map<String, Object> figures) {
        double gets() {
            return ((Number) figures.get("requestsPerJob")).doubleValue();
        }

        double meanLag() {
            return ((Number) figures.get("meanLagMs")).doubleValue();
        }

        double p95Lag() {
            return ((Number) figures.get("p95LagMs")).doubleValue();
        }
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        Path dir = Path.of(opts.getOrDefault("dir", "results"));
        long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
        if (opts.containsKey("adaptive-cap")) {
            adaptiveCap = Duration.ofSeconds(Long.parseLong(opts.get("adaptive-cap").replace("s", "")));
        }
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        if (opts.containsKey("report-only")) {
            // Rewrites ECONOMY.md from the JSON already there (and the shift and cap files next to it).
            @SuppressWarnings("unchecked")
            Map<String, Object> saved = json.readValue(dir.resolve("economy-frontier.json").toFile(), Map.class);
            Files.writeString(dir.resolve("ECONOMY.md"), FrontierReport.markdown(saved) + FrontierReport.extras(dir));
            return;
        }
        Map<String, Object> all = new LinkedHashMap<>();
        Map<String, List<Point>> byWorkload = new LinkedHashMap<>();
        for (String name : opts.getOrDefault("workloads", "lognormal,bimodal,shift").split(",")) {
            Workload w = Workload.byName(name);
            long started = System.nanoTime();
            Map<String, Object> result = new LinkedHashMap<>();
            List<Point> points = sweep(w, seed, result);
            markPareto(points);
            result.put("workload", w.name());
            result.put("description", w.description());
            result.put("jobs", Economy.JOBS);
            result.put("seed", seed);
            result.put("summary", summary(points));
            result.put("points", points.stream().map(Frontier::asMap).toList());
            result.put("cpuSeconds", Math.round((System.nanoTime() - started) / 1e9));
            all.put(w.name(), result);
            byWorkload.put(w.name(), points);
            System.out.println(new ObjectMapper().writeValueAsString(Map.of("workload", w.name(),
                    "summary", result.get("summary"))));
        }
        Files.createDirectories(dir);
        json.writeValue(dir.resolve("economy-frontier.json").toFile(), all);
        Files.writeString(dir.resolve("ECONOMY.md"), FrontierReport.markdown(all) + FrontierReport.extras(dir));
        FrontierChart.write(byWorkload, dir.resolve("economy-frontier.png"));
    }

    static List<Point> sweep(Workload w, long seed, Map<String, Object> result) {
        List<Point> points = new ArrayList<>();
        for (double s : FIXED_SECONDS) {
            PollPolicy p = PollPolicy.fixed(Duration.ofMillis(Math.round(s * 1000)));
            points.add(point("fixed", s + "s", Economy.simulate(w, Economy.JOBS, seed, p, j -> null)));
        }
        points.add(point("default", "defaults()", Economy.simulate(w, Economy.JOBS, seed, PollPolicy.defaults(),
                j -> null)));
        DurationModel trueBefore = DurationModel.known(d -> w.before().cdf(d.toMillis() / 1000.0));
        DurationModel trueAfter = w.after() == null ? trueBefore
                : DurationModel.known(d -> w.after().cdf(d.toMillis() / 1000.0));
        DurationModel sqrtBefore = FirstOrderRule.planningWith(trueBefore);
        DurationModel sqrtAfter = w.after() == null ? sqrtBefore : FirstOrderRule.planningWith(trueAfter);
        for (double s : TARGET_SECONDS) {
            points.add(point("sqrt-true", target(s), Economy.simulate(w, Economy.JOBS, seed, adaptive(s),
                    j -> w.shiftAt() >= 0 && j >= w.shiftAt() ? sqrtAfter : sqrtBefore)));
        }
        for (double s : TARGET_SECONDS) {
            points.add(point("optimal-true", target(s), Economy.simulate(w, Economy.JOBS, seed, adaptive(s),
                    j -> w.shiftAt() >= 0 && j >= w.shiftAt() ? trueAfter : trueBefore)));
        }
        Map<String, Object> trained = new LinkedHashMap<>();
        for (int n : TRAINED) {
            DurationModel model = train(w, n, seed + 1);
            trained.put("learned-" + n, model.toString());
            for (double s : TARGET_SECONDS) {
                points.add(point("learned-" + n, target(s),
                        Economy.simulate(w, Economy.JOBS, seed, adaptive(s), j -> model)));
            }
        }
        result.put("trainedModels", trained);
        for (double s : TARGET_SECONDS) {
            DurationModel model = DurationModel.learning();
            Economy.Outcome o = Economy.simulate(w, Economy.JOBS, seed, adaptive(s), j -> model);
            Point p = point("learned-online", target(s), o);
            if (w.shiftAt() >= 0) {
                p.figures().put("segments", segments(o, w.shiftAt()));
            }
            p.figures().put("model", model.toString());
            points.add(p);
        }
        return points;
    }

    /** A model that learned from {@code n} jobs of a training fleet (its own seed), then frozen. */
    static DurationModel train(Workload w, int n, long seed) {
        DurationModel model = DurationModel.learning();
        if (n > 0) {
            Economy.Outcome o = Economy.simulate(w, n, seed, adaptive(5), j -> model);
            if (o.ended != n) {
                throw new IllegalStateException("training: " + (n - o.ended) + " of " + n + " jobs did not end");
            }
        }
        return model.frozenCopy();
    }

    static PollPolicy adaptive(double targetSeconds) {
        return PollPolicy.adaptive(Duration.ofMillis(Math.round(targetSeconds * 1000))).maxInterval(adaptiveCap);
    }

    private static String target(double s) {
        return "targetLag " + s + "s";
    }

    static Point point(String family, String knob, Economy.Outcome o) {
        if (o.ended != o.gets.length) {
            throw new IllegalStateException(family + " " + knob + ": " + (o.gets.length - o.ended)
                    + " jobs never reached TERMINAL (" + o.failed + " watch errors)");
        }
        return new Point(family, knob, o.figures(0, o.gets.length));
    }

    /** Figures of the jobs before the shift and of successive stretches after it. */
    private static Map<String, Object> segments(Economy.Outcome o, int shiftAt) {
        int[] bounds = {0, shiftAt, shiftAt + 50, shiftAt + 100, shiftAt + 200, shiftAt + 1000, o.gets.length};
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < bounds.length; i++) {
            out.put("jobs " + bounds[i] + "-" + (bounds[i + 1] - 1), o.figures(bounds[i], bounds[i + 1]));
        }
        return out;
    }

    static void markPareto(List<Point> points) {
        for (Point p : points) {
            boolean dominated = points.stream().anyMatch(q -> q != p && q.gets() <= p.gets()
                    && q.meanLag() <= p.meanLag() && q.p95Lag() <= p.p95Lag()
                    && (q.gets() < p.gets() || q.meanLag() < p.meanLag() || q.p95Lag() < p.p95Lag()));
            p.figures().put("pareto", !dominated);
        }
    }

    /** Per family: the mean lag at 13 GETs per job and the GETs per job at 2.5 s mean lag (interpolated). */
    static Map<String, Object> summary(List<Point> points) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String family : points.stream().map(Point::family).distinct().toList()) {
            List<Point> f = points.stream().filter(p -> p.family().equals(family))
                    .sorted((a, b) -> Double.compare(a.gets(), b.gets())).toList();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("meanLagMsAt13Gets", interpolate(f, Point::gets, Point::meanLag, BUDGET_GETS));
            s.put("p95LagMsAt13Gets", interpolate(f, Point::gets, Point::p95Lag, BUDGET_GETS));
            s.put("getsAt2500msMeanLag", interpolate(f, Point::meanLag, Point::gets, BUDGET_LAG_MS));
            if (f.size() == 1) {
                s.put("requestsPerJob", f.get(0).gets());
                s.put("meanLagMs", f.get(0).meanLag());
                s.put("p95LagMs", f.get(0).p95Lag());
            }
            out.put(family, s);
        }
        return out;
    }

    /** y at x = {@code at}, linear between the two points of the family that straddle it; null if none do. */
    static Double interpolate(List<Point> family, java.util.function.ToDoubleFunction<Point> x,
                              java.util.function.ToDoubleFunction<Point> y, double at) {
        Point[] sorted = family.stream().sorted((a, b) -> Double.compare(x.applyAsDouble(a), x.applyAsDouble(b)))
                .toArray(Point[]::new);
        for (int i = 0; i + 1 < sorted.length; i++) {
            double x0 = x.applyAsDouble(sorted[i]);
            double x1 = x.applyAsDouble(sorted[i + 1]);
            if (x0 <= at && at <= x1) {
                double y0 = y.applyAsDouble(sorted[i]);
                double y1 = y.applyAsDouble(sorted[i + 1]);
                double v = x1 == x0 ? y0 : y0 + (y1 - y0) * (at - x0) / (x1 - x0);
                return Math.round(v * 100) / 100.0;
            }
        }
        return null;
    }

    private static Map<String, Object> asMap(Point p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("family", p.family());
        m.put("knob", p.knob());
        m.putAll(p.figures());
        return m;
    }
}
