package dev.agentjobs.bench;

import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.Faults;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.RateLimit;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Map;

/**
 * The server side of the {@code watch} and {@code fanout} scenarios, in its own JVM: the project's simulator
 * with N jobs preloaded as {@code active} for a day (they outlast any window), no rate limit, no faults, no
 * request log. Jobs created over HTTP (the {@code fanout} scenario) last {@code --durations} (default 1 day;
 * the simulator's forms: {@code 2s}, {@code 1s..3s}). Prints {@code url <base URL>} once listening, then serves until its stdin closes (run.sh holds it
 * open) or it is killed.
 *
 * <pre>
 * BENCH_API_KEY=... java -cp ... dev.agentjobs.bench.SimulatorServer --jobs 100000 [--port 0] [--project bench] [--durations 1s..3s]
 * </pre>
 *
 * <p>Preloading ids instead of creating the jobs over HTTP keeps the creates out of the client's CPU
 * figures: the benchmark is about polling.
 */
public final class SimulatorServer {

    private SimulatorServer() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        int jobs = Integer.parseInt(Args.required(opts, "jobs"));
        String project = opts.getOrDefault("project", "bench");
        AgentJobsSimulator sim = AgentJobsSimulator.builder()
                .port(Integer.parseInt(opts.getOrDefault("port", "0")))
                .apiKey(Args.env("BENCH_API_KEY"))
                .durations(opts.containsKey("durations") ? JobDurations.parse(opts.get("durations"))
                        : JobDurations.fixed(Duration.ofDays(1)))
                .createLimit(RateLimit.none())
                .messageLimit(RateLimit.none())
                .faults(Faults.none())
                .recordRequests(0)
                .seed(1)
                .build()
                .start();
        for (int job = 0; job < jobs; job++) {
            sim.putJob(project, Target.jobId(job), JobState.ACTIVE);
        }
        System.out.println("url " + sim.baseUrl());
        System.out.flush();
        InputStream in = System.in;
        while (in.read() >= 0) {
            // Only the end of stdin matters: the harness closes it when it is done.
        }
        System.err.println("[simulator] stopping; " + sim.stats());
        sim.close();
    }
}
