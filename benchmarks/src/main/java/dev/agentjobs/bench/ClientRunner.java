package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One measurement in a fresh JVM: one implementation watching N jobs, then one JSON line of figures on
 * stdout (everything else goes to stderr).
 *
 * <pre>
 * BENCH_API_KEY=... java -cp ... dev.agentjobs.bench.ClientRunner --impl raw-netty --url http://127.0.0.1:8080 \
 *     --jobs 10000 --interval-ms 5000 --warmup-s 8 --window-s 15 [--min-window-intervals 3]
 * </pre>
 *
 * <p>Steps: open the implementation and send one probe GET; take the empty baseline (heap after GC,
 * threads); start job i at {@code t0 + i * interval / N}, so the first polls are spread evenly and the
 * request rate is {@code N / interval} for every implementation; wait out the warm-up; measure the
 * process CPU time and the recorder over the window; then the heap after GC with the N jobs waiting.
 * A failure to reach N (out of memory, no more threads) is a result: status {@code failed} with the error.
 * A window shorter than {@code --min-window-intervals} intervals is not: it exits with status 2 before
 * anything runs (a window of less than an interval polls some jobs once and others never).
 */
public final class ClientRunner {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ClientRunner() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Args.parse(args);
        String impl = Args.required(opts, "impl");
        int jobs = Integer.parseInt(Args.required(opts, "jobs"));
        long intervalMs = Long.parseLong(Args.required(opts, "interval-ms"));
        double warmupS = Double.parseDouble(opts.getOrDefault("warmup-s", "5"));
        double windowS = Double.parseDouble(opts.getOrDefault("window-s", "10"));
        int minIntervals = Integer.parseInt(opts.getOrDefault("min-window-intervals", "0"));
        String tooShort = windowTooShort(windowS, intervalMs, minIntervals);
        if (tooShort != null) {
            System.err.println("[client] refused: " + tooShort);
            System.exit(2);
        }
        Target target = new Target(Args.required(opts, "url"), opts.getOrDefault("project", "bench"),
                Args.env("BENCH_API_KEY"), jobs);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scenario", "watch");
        out.put("impl", impl);
        out.put("jobs", jobs);
        out.put("round", Integer.parseInt(opts.getOrDefault("round", "1")));
        out.put("intervalMs", intervalMs);
        out.put("windowS", windowS);
        out.put("jdk", Runtime.version().toString());
        out.put("cpus", Runtime.getRuntime().availableProcessors());
        try {
            measure(impl, target, intervalMs, warmupS, windowS, out);
        } catch (Skipped e) {
            out.put("status", "skipped");
            out.put("reason", e.getMessage());
        } catch (Throwable e) {
            out.put("status", "failed");
            out.put("reason", String.valueOf(e));
        }
        System.out.println(JSON.writeValueAsString(out));
        System.out.flush();
        // A recording started with -XX:StartFlightRecording=filename=... is written when stopped; halt() below
        // would skip the JVM's own dump on exit.
        for (jdk.jfr.Recording r : jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings()) {
            r.stop();
        }
        // Thread-per-job peers leave N threads behind; halt rather than wait for them.
        Runtime.getRuntime().halt(0);
    }

    /**
     * Why a window of {@code windowS} seconds cannot measure polls every {@code intervalMs} (it covers fewer
     * than {@code minIntervals} intervals), or null when it can.
     */
    static String windowTooShort(double windowS, long intervalMs, int minIntervals) {
        if (windowS * 1000 >= (double) minIntervals * intervalMs) {
            return null;
        }
        return String.format("a %.1f s window covers %.1f intervals of %d ms; at least %d are required",
                windowS, windowS * 1000 / intervalMs, intervalMs, minIntervals);
    }

    private static void measure(String impl, Target target, long intervalMs, double warmupS, double windowS,
                                Map<String, Object> out) throws Exception {
        int jobs = target.jobs();
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        PollRecorder recorder = new PollRecorder(jobs, intervalNanos);
        Poller poller = create(impl);
        try {
            poller.open(target, recorder);
        } catch (UnsupportedOperationException e) {
            throw new Skipped(e.getMessage());
        }
        poller.probe(0);

        long heapBefore = heapAfterGc();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        log(impl + ": baseline heap " + heapBefore + " B, " + threadsBefore + " threads; starting " + jobs + " jobs");

        long t0 = System.nanoTime();
        for (int job = 0; job < jobs; job++) {
            parkUntil(t0 + intervalNanos * job / jobs);
            try {
                poller.watch(job);
            } catch (Throwable e) {
                throw new IllegalStateException("could not start job " + job + " of " + jobs + ": " + e, e);
            }
        }
        // The first polls are spread over one interval; measure only once every job polls steadily.
        long warmupNanos = Math.max((long) (warmupS * 1e9), intervalNanos + TimeUnit.SECONDS.toNanos(2));
        parkUntil(t0 + warmupNanos);

        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Map<String, long[]> gc0 = gcTotals();
        long cpu0 = os.getProcessCpuTime();
        long wall0 = System.nanoTime();
        recorder.startWindow();
        parkUntil(wall0 + (long) (windowS * 1e9));
        PollRecorder.Window window = recorder.endWindow();
        long cpu1 = os.getProcessCpuTime();
        long wall1 = System.nanoTime();
        Map<String, long[]> gc1 = gcTotals();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();

        long heapWaiting = heapAfterGc();
        double seconds = (wall1 - wall0) / 1e9;
        if (window.polls() == 0) {
            throw new IllegalStateException("no poll answered in the window (" + window.errors() + " errors)");
        }
        out.put("status", "ok");
        out.put("reason", null);
        out.put("cpuMicrosPerPoll", round((cpu1 - cpu0) / 1000.0 / window.polls()));
        out.put("heapBytesPerJob", round((double) (heapWaiting - heapBefore) / jobs));
        out.put("threads", threads);
        out.put("threadsBaseline", threadsBefore);
        Map<String, Object> lateness = new LinkedHashMap<>();
        lateness.put("p50", window.p50Ms());
        lateness.put("p99", window.p99Ms());
        lateness.put("max", window.maxMs());
        out.put("latenessMs", lateness);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("p50", window.answerP50Ms());
        answer.put("p99", window.answerP99Ms());
        out.put("answerMs", answer);
        out.put("polls", window.polls());
        out.put("errors", window.errors());
        out.put("pollsPerS", round(window.polls() / seconds));
        out.put("targetPollsPerS", round(jobs * 1000.0 / intervalMs));
        out.put("cpuUtilisation", round((cpu1 - cpu0) / 1e9 / seconds));
        putGc(gc0, gc1, out);
        out.put("setup", poller.setup());
    }

    /**
     * The collections in the window, in total ({@code gcCountInWindow}, {@code gcMsInWindow}) and per collector
     * ({@code gcInWindow}). G1's "Concurrent GC" bean counts the pauses of its concurrent cycle (remark,
     * cleanup) since JDK 20; its time is pause time, not the concurrent work, which shows as CPU.
     */
    private static void putGc(Map<String, long[]> before, Map<String, long[]> after, Map<String, Object> out) {
        long count = 0;
        long millis = 0;
        Map<String, Object> perCollector = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : after.entrySet()) {
            long[] b = before.getOrDefault(e.getKey(), new long[2]);
            long c = e.getValue()[0] - b[0];
            long ms = e.getValue()[1] - b[1];
            count += c;
            millis += ms;
            perCollector.put(e.getKey(), Map.of("count", c, "ms", ms));
        }
        out.put("gcCountInWindow", count);
        out.put("gcMsInWindow", millis);
        out.put("gcInWindow", perCollector);
    }

    private static Poller create(String impl) {
        switch (impl) {
            case "raw-netty":
                return new RawNettyPoller();
            case "azure-poller":
                return new AzurePoller();
            case "threads":
                return new ThreadPoller(ThreadPoller.Kind.PLATFORM);
            case "virtual-threads":
                return new ThreadPoller(ThreadPoller.Kind.VIRTUAL);
            case "virtual-threads-tuned":
                return new ThreadPoller(ThreadPoller.Kind.VIRTUAL_TUNED);
            case "agentjobs":
                return new AgentJobsPoller(false);
            case "agentjobs-adaptive":
                return new AgentJobsPoller(true);
            default:
                throw new IllegalArgumentException("unknown --impl " + impl + " (" + String.join(", ", Report.IMPLS)
                        + ")");
        }
    }

    /** Used heap after full collections: the lowest of a few, so garbage still in flight is not counted. */
    static long heapAfterGc() {
        var memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }

    /** Per collector: collections so far and their accumulated time in ms (0 where the JVM does not say). */
    private static Map<String, long[]> gcTotals() {
        Map<String, long[]> totals = new LinkedHashMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            totals.put(gc.getName(),
                    new long[] {Math.max(0, gc.getCollectionCount()), Math.max(0, gc.getCollectionTime())});
        }
        return totals;
    }

    static void parkUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void log(String line) {
        System.err.println("[client] " + line);
    }

    /** An implementation that cannot run here at all (as opposed to one that failed to reach N). */
    static final class Skipped extends RuntimeException {
        Skipped(String reason) {
            super(reason);
        }
    }
}
