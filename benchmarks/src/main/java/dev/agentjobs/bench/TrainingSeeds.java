package dev.agentjobs.bench;

import dev.agentjobs.poll.DurationModel;
import dev.agentjobs.poll.FirstOrderRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How much the {@code learned-200} figures of the log-normal frontier owe to the one training fleet
 * {@link Frontier} draws (seed 43): the same 200-job training on ten seeds, each model planning with the optimum
 * and with the first-order rule, the same 10,000 jobs (seed 42) for all, and the two budget figures per seed.
 * Writes {@code training-seeds.md}, which {@code ECONOMY.md} takes in.
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.TrainingSeeds --dir benchmarks/results [--seeds 10]
 * </pre>
 */
public final class TrainingSeeds {

    private static final double[] NEAR_13_GETS = {6.5, 7, 7.5, 8, 8.5};
    private static final double[] NEAR_2500_MS = {2, 2.5, 3};

    private TrainingSeeds() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        Path dir = Path.of(opts.getOrDefault("dir", "results"));
        int seeds = Integer.parseInt(opts.getOrDefault("seeds", "10"));
        StringBuilder md = new StringBuilder("\n## learned-200 over ten training fleets (`TrainingSeeds`)\n\n"
                + "The log-normal workload (the same 10,000 jobs, seed 42), a model trained on 200 jobs of a fleet of "
                + "its own seed, frozen, planning with the optimum and with the first-order rule; target lags "
                + "6.5 to 8.5 s and 2 to 3 s, interpolated as above. The frontier's `learned-200` is seed 43.\n\n"
                + "| training seed | optimum: mean lag at 13 GETs | first-order: mean lag at 13 GETs "
                + "| optimum: GETs at 2.5 s | first-order: GETs at 2.5 s |\n|---:|---:|---:|---:|---:|\n");
        List<double[]> rows = new ArrayList<>();
        for (long seed = 43; seed < 43 + seeds; seed++) {
            DurationModel model = Frontier.train(Workload.LOG_NORMAL, 200, seed);
            double[] row = {
                lagAt13(model, m -> m), lagAt13(model, FirstOrderRule::planningWith),
                getsAt2500(model, m -> m), getsAt2500(model, FirstOrderRule::planningWith)};
            rows.add(row);
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s |%n", seed, s(row[0]), s(row[1]),
                    n(row[2]), n(row[3])));
            System.out.println("seed " + seed + ": " + java.util.Arrays.toString(row));
        }
        md.append("| mean (min-max) |");
        for (int c = 0; c < 4; c++) {
            final int col = c;
            double mean = rows.stream().mapToDouble(r -> r[col]).average().orElse(Double.NaN);
            double min = rows.stream().mapToDouble(r -> r[col]).min().orElse(Double.NaN);
            double max = rows.stream().mapToDouble(r -> r[col]).max().orElse(Double.NaN);
            md.append(c < 2 ? String.format(Locale.ROOT, " %s (%s-%s) |", s(mean), s(min), s(max))
                    : String.format(Locale.ROOT, " %s (%s-%s) |", n(mean), n(min), n(max)));
        }
        md.append('\n');
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("training-seeds.md"), md.toString());
    }

    private static double lagAt13(DurationModel model, UnaryOperator<DurationModel> rule) {
        Double v = Frontier.interpolate(sweep(model, rule, NEAR_13_GETS), Frontier.Point::gets,
                Frontier.Point::meanLag, Frontier.BUDGET_GETS);
        return v == null ? Double.NaN : v;
    }

    private static double getsAt2500(DurationModel model, UnaryOperator<DurationModel> rule) {
        Double v = Frontier.interpolate(sweep(model, rule, NEAR_2500_MS), Frontier.Point::meanLag,
                Frontier.Point::gets, Frontier.BUDGET_LAG_MS);
        return v == null ? Double.NaN : v;
    }

    private static List<Frontier.Point> sweep(DurationModel model, UnaryOperator<DurationModel> rule,
                                              double[] targets) {
        DurationModel planning = rule.apply(model);
        List<Frontier.Point> points = new ArrayList<>();
        for (double t : targets) {
            points.add(Frontier.point("learned-200", "targetLag " + t + "s", Economy.simulate(Workload.LOG_NORMAL,
                    Economy.JOBS, 42, Frontier.adaptive(t), j -> planning)));
        }
        return points;
    }

    private static String s(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private static String n(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
