package dev.agentjobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a measured span's CPU went, per group of threads of this JVM, from Linux's {@code /proc/self/task}: user
 * and system time (clock ticks), and voluntary and involuntary context switches (a voluntary one is a thread
 * parking or waiting in a system call: each hand-off between the event loop and the ledger's writer costs one
 * on each side). Threads are grouped by name: the client's event loop, the ledger's writer, JIT compilers, GC,
 * and the rest; threads that ended inside the span count under {@code exited} (process total minus the groups).
 *
 * <pre>{@code
 * ThreadCpu.Snapshot before = ThreadCpu.snapshot();
 * ... the measured work ...
 * Map<String, Object> perPrompt = ThreadCpu.snapshot().since(before, prompts);
 * }</pre>
 *
 * <p>Linux only; elsewhere {@link #snapshot()} is empty and the breakdown says {@code unavailable}.
 */
final class ThreadCpu {

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final double MICROS_PER_TICK = 1e6 / 100;   // USER_HZ is 100 on Linux

    private ThreadCpu() {
    }

    /** One thread's counters at one moment. */
    private record Counters(String group, long userTicks, long systemTicks, long voluntary, long involuntary) {
    }

    /** Every thread's counters, and the process's user and system ticks, at one moment. */
    record Snapshot(Map<Long, Counters> threads, long processUser, long processSystem) {

        /** Per prompt, per group: user and system microseconds, voluntary and involuntary switches. */
        Map<String, Object> since(Snapshot before, int prompts) {
            if (threads.isEmpty()) {
                return new LinkedHashMap<>(Map.of("breakdown", "unavailable"));
            }
            Map<String, double[]> groups = new LinkedHashMap<>();
            for (String g : new String[] {"eventLoop", "ledgerWriter", "jit", "gc", "other"}) {
                groups.put(g, new double[4]);
            }
            double[] sum = new double[2];
            threads.forEach((tid, now) -> {
                Counters then = before.threads.getOrDefault(tid, new Counters(now.group(), 0, 0, 0, 0));
                double[] g = groups.get(now.group());
                g[0] += now.userTicks() - then.userTicks();
                g[1] += now.systemTicks() - then.systemTicks();
                g[2] += now.voluntary() - then.voluntary();
                g[3] += now.involuntary() - then.involuntary();
                sum[0] += now.userTicks() - then.userTicks();
                sum[1] += now.systemTicks() - then.systemTicks();
            });
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("userMicrosPerPrompt", perPrompt(processUser - before.processUser, prompts));
            out.put("systemMicrosPerPrompt", perPrompt(processSystem - before.processSystem, prompts));
            groups.forEach((name, g) -> out.put(name, Map.of(
                    "userMicros", perPrompt(g[0], prompts), "systemMicros", perPrompt(g[1], prompts),
                    "voluntarySwitches", round(g[2] / prompts), "involuntarySwitches", round(g[3] / prompts))));
            out.put("exitedThreadsMicros", perPrompt(processUser - before.processUser + processSystem
                    - before.processSystem - sum[0] - sum[1], prompts));
            return out;
        }
    }

    static Snapshot snapshot() {
        Map<Long, Counters> threads = new HashMap<>();
        long[] process = {0, 0};
        try (Stream<Path> tasks = Files.list(TASKS)) {
            tasks.forEach(task -> read(task).ifPresent(c -> threads.put(Long.parseLong(
                    task.getFileName().toString()), c)));
            String[] stat = fields(Files.readString(Path.of("/proc/self/stat")));
            process[0] = Long.parseLong(stat[11]);
            process[1] = Long.parseLong(stat[12]);
        } catch (IOException | RuntimeException e) {
            return new Snapshot(Map.of(), 0, 0);
        }
        return new Snapshot(threads, process[0], process[1]);
    }

    private static java.util.Optional<Counters> read(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] f = fields(stat);
            long voluntary = 0;
            long involuntary = 0;
            for (String line : Files.readAllLines(task.resolve("status"))) {
                if (line.startsWith("voluntary_ctxt_switches:")) {
                    voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                    involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return java.util.Optional.of(new Counters(group(name), Long.parseLong(f[11]), Long.parseLong(f[12]),
                    voluntary, involuntary));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();   // the thread ended while being read
        }
    }

    /** The fields after the command name, which may hold spaces and parentheses: field 3 (state) is [0]. */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static String group(String name) {
        if (name.startsWith("agentjobs-http")) {
            return "eventLoop";
        }
        if (name.startsWith("agentjobs-ledg")) {
            return "ledgerWriter";
        }
        if (name.contains("CompilerThre")) {
            return "jit";
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ")) {
            return "gc";
        }
        return "other";
    }

    private static double perPrompt(double ticks, int prompts) {
        return round(ticks * MICROS_PER_TICK / prompts);
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
