package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.agentjobs.poll.DurationModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The shift detector's two figures (issue 11), over several seeds, each a 10,000-job economy run of one model
 * learning from cold ({@code learned-online}, target lag 2.5 s): its false alarms on the stationary workloads
 * (log-normal, bimodal: every alarm is false) and, on the shift workload, how soon after the durations double
 * it goes off and how soon the model's median is the new one. Delays are given three ways, because the fleet
 * submits 16.7 jobs a second: virtual seconds after the first slower job was submitted, slower jobs ended by
 * then (what the model could have learned from), and slower jobs submitted by then.
 *
 * <p>Two fleets: the economy's burst (10,000 jobs over 10 minutes, 16.7 a second: job 2,000 is submitted at
 * 2 minutes, before any job of the first regime could be seen to its median, so the model never knew the old
 * durations and there is no change to detect, only a mixture to learn) and a steady one (a job every 5 s,
 * about 36 running at once, 10,000 jobs over 14 virtual hours: the model has settled when durations double).
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.ShiftDetection --dir benchmarks/results [--seeds 1,2,3,4,5]
 * </pre>
 */
public final class ShiftDetection {

    private static final double TARGET_SECONDS = 2.5;
    /** The median counts as moved once within this fraction of the new one. */
    private static final double CLOSE = 0.15;
    /** The steady fleet: a job every 5 s. */
    static final Duration STEADY = Duration.ofSeconds(5L * Economy.JOBS);

    private ShiftDetection() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        Path dir = Path.of(opts.getOrDefault("dir", "results"));
        List<Long> seeds = new ArrayList<>();
        for (String s : opts.getOrDefault("seeds", "1,2,3,4,5").split(",")) {
            seeds.add(Long.parseLong(s.trim()));
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (Duration submitOver : new Duration[] {Economy.SUBMIT_OVER, STEADY}) {
            String fleet = submitOver.equals(STEADY) ? "steady" : "burst";
            for (Workload w : new Workload[] {Workload.LOG_NORMAL, Workload.BIMODAL, Workload.SHIFT}) {
                List<Map<String, Object>> runs = new ArrayList<>();
                for (long seed : seeds) {
                    Map<String, Object> run = run(w, seed, submitOver);
                    run.put("fleet", fleet);
                    System.out.println(new ObjectMapper().writeValueAsString(run));
                    runs.add(run);
                }
                all.put(fleet + "-" + w.name(), runs);
            }
        }
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("shift-detection.json").toFile(), all);
    }

    static Map<String, Object> run(Workload w, long seed, Duration submitOver) {
        DurationModel model = DurationModel.learning();
        int shiftAt = w.shiftAt();
        long shiftMillis = shiftAt < 0 ? -1 : submitOver.toMillis() * shiftAt / Economy.JOBS;
        double newMedian = w.after() == null ? 0 : w.after().medianA();
        List<Map<String, Object>> alarms = new ArrayList<>();
        Map<String, Object> moved = new LinkedHashMap<>();
        long[] seen = {0};
        Economy.Outcome o = Economy.simulate(w, Economy.JOBS, seed, Frontier.adaptive(TARGET_SECONDS), j -> model,
                submitOver, (now, out) -> {
                    long shifts = model.shiftsDetected();
                    if (shifts > seen[0]) {
                        seen[0] = shifts;
                        alarms.add(delays(now, shiftMillis, shiftAt, submitOver, out, "alarm " + shifts));
                    }
                    if (shiftAt >= 0 && seen[0] > 0 && moved.isEmpty()) {
                        double median = model.quantile(0.5).map(d -> d.toMillis() / 1000.0).orElse(Double.NaN);
                        if (Math.abs(median - newMedian) <= CLOSE * newMedian) {
                            moved.putAll(delays(now, shiftMillis, shiftAt, submitOver, out,
                                    "median " + Math.round(median) + " s"));
                        }
                    }
                });
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("workload", w.name());
        run.put("seed", seed);
        run.put("alarms", model.shiftsDetected());
        run.put("alarmDetails", alarms);
        if (shiftAt >= 0) {
            run.put("medianWithin15PercentOfNew", moved.isEmpty() ? null : moved);
            run.put("jobsAfterShift", o.figures(shiftAt, o.gets.length));
        }
        run.put("allJobs", o.figures(0, o.gets.length));
        run.put("modelAtEnd", model.toString());
        return run;
    }

    private static Map<String, Object> delays(long now, long shiftMillis, int shiftAt, Duration submitOver,
                                              Economy.Outcome out, String what) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("what", what);
        d.put("atSecond", now / 1000);
        if (shiftAt >= 0) {
            d.put("secondsAfterShift", (now - shiftMillis) / 1000);
            d.put("slowerJobsEnded", out.endedAmong(shiftAt, out.gets.length));
            d.put("slowerJobsSubmitted", Math.max(0, Math.min(Economy.JOBS,
                    (int) (now * Economy.JOBS / submitOver.toMillis())) - shiftAt + 1));
        }
        return d;
    }
}
