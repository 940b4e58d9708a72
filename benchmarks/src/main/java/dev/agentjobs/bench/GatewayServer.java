package dev.agentjobs.bench;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.gateway.Gateway;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.RateLimit;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The measured JVM of the gateway benchmark: a simulator with N jobs preloaded {@code active} for a day (loaded
 * before the baseline, so its own per-job state is not counted), a client, and a gateway on loopback without
 * tokens. Prints {@code url <base>}, then until stdin closes answers {@code heap} (bytes after GC),
 * {@code streams} (open event streams) and {@code complete ID...} (marks jobs completed in the simulator). Jobs
 * stay active until completed; the first poll of a created job is after 2 s, then every 10 s, so jobs created
 * together and completed before their first poll all end at about one moment: a burst to fan out.
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.GatewayServer --jobs 10000
 * </pre>
 */
public final class GatewayServer {

    private static final String KEY = "mint_bench_gateway_key";

    private GatewayServer() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(args);
        int jobs = Integer.parseInt(Args.required(opts, "jobs"));
        AgentJobsSimulator sim = AgentJobsSimulator.builder().apiKey(KEY)
                .durations(JobDurations.fixed(Duration.ofDays(1)))
                .createLimit(RateLimit.none()).messageLimit(RateLimit.none()).build().start();
        for (int i = 0; i < jobs; i++) {
            sim.putJob("bench", "bench-" + i, JobState.ACTIVE);
        }
        AgentJobsClient client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("bench")
                .apiKey(ApiKey.of(KEY)).maxConnections(256).build();
        Gateway gateway = Gateway.builder(client).port(0)
                .pollPolicy(PollPolicy.fixed(Duration.ofSeconds(10)).firstPollDelay(Duration.ofSeconds(2)))
                .maxStreamsPerToken(1_000_000).maxJobs(jobs * 2).heartbeat(Duration.ofSeconds(15))
                .start();
        System.out.println("url http://127.0.0.1:" + gateway.port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("complete ")) {
                for (String id : line.substring("complete ".length()).split(" ")) {
                    sim.putJob("bench", id, JobState.COMPLETED);
                }
                System.out.println("completed");
                System.out.flush();
            } else if (line.equals("streams")) {
                System.out.println("streams " + gateway.openStreams());
                System.out.flush();
            } else if (line.equals("heap")) {
                System.out.println("heap " + ClientRunner.heapAfterGc() + " watched " + gateway.watchedJobs()
                        + " streams " + gateway.openStreams());
                System.out.flush();
            }
        }
        gateway.close();
        client.close();
        sim.close();
    }
}
