package dev.agentjobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.resources.LoopResources;

/**
 * The gateway benchmark's driver, in its own JVM: starts {@link GatewayServer} (pinned with the prefix given
 * in {@code --pin}, for example {@code "taskset -c 0"}), then measures in its heap, asking it for its heap after
 * GC between phases:
 * <ol>
 *   <li>fan-out: S subscribers on {@code /events}, then M jobs created through the gateway and completed in the
 *       simulator before their first poll, so their ends come at one poll; every subscriber must receive the
 *       3 M events (created, pr_linked, terminal); events per second delivered = the S x 2 M end events over the
 *       time from the first to the last end delivered;</li>
 *   <li>per watched job: N preloaded jobs asked for by id, so each gets a watch: heap delta / N;</li>
 *   <li>per idle subscriber: S subscribers on those jobs' streams ({@code /jobs/bench-i/events}), each reading
 *       its first event, then idle: heap delta / S.</li>
 * </ol>
 *
 * <pre>
 * java -cp ... dev.agentjobs.bench.GatewayLoad --subscribers 10000 --jobs 10000 --creates 100 \
 *      --pin "taskset -c 0" --out results/gateway.json
 * </pre>
 */
public final class GatewayLoad {

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private GatewayLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = Args.parse(args);
        int subscribers = Integer.parseInt(opts.getOrDefault("subscribers", "10000"));
        int jobs = Integer.parseInt(opts.getOrDefault("jobs", "10000"));
        int creates = Integer.parseInt(opts.getOrDefault("creates", "100"));
        Path out = Path.of(opts.getOrDefault("out", "results/gateway.json"));

        List<String> cmd = new ArrayList<>();
        String pin = opts.getOrDefault("pin", "");
        if (!pin.isBlank()) {
            cmd.addAll(List.of(pin.strip().split("\\s+")));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-XX:+UseG1GC", "-Xmx3g",
                "-cp", System.getProperty("java.class.path"), GatewayServer.class.getName(), "--jobs",
                Integer.toString(jobs)));
        Process server = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader fromServer = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8));
            PrintWriter toServer = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8);
            String base = fromServer.readLine().substring("url ".length());
            ObjectNode result = new ObjectMapper().createObjectNode();
            result.put("date", Instant.now().toString()).put("subscribers", subscribers).put("jobs", jobs)
                    .put("creates", creates).put("pin", pin)
                    .put("jdk", System.getProperty("java.version")).put("cpus", Runtime.getRuntime()
                            .availableProcessors()).put("loadAtStart", Files.readString(Path.of("/proc/loadavg"))
                            .strip());
            LoopResources loops = LoopResources.create("bench-load", 1, true);
            ConnectionProvider pool = ConnectionProvider.builder("bench-load").maxConnections(subscribers + 64)
                    .pendingAcquireMaxCount(-1).build();
            HttpClient http = HttpClient.create(pool).runOn(loops).baseUrl(base).responseTimeout(LIMIT);

            long heap0 = heap(toServer, fromServer);
            fanOut(http, subscribers, creates, result, toServer, fromServer);
            awaitNoStreams(toServer, fromServer);

            long heap1 = heap(toServer, fromServer);
            Flux.range(0, jobs).flatMap(i -> http.get().uri("/jobs/bench-" + i).responseSingle((r, b) ->
                    b.asString().defaultIfEmpty("").thenReturn(r.status().code())), 64)
                    .filter(code -> code != 200).count()
                    .doOnNext(bad -> result.put("watchErrors", bad)).block(LIMIT);
            long heap2 = heap(toServer, fromServer);
            result.put("heapBytesPerWatchedJob", (heap2 - heap1) / jobs);

            // Streams of jobs already watched, so the delta is the subscribers' alone.
            List<Disposable> idle = new ArrayList<>();
            CountDownLatch firsts = new CountDownLatch(subscribers);
            for (int i = 0; i < subscribers; i++) {
                boolean[] counted = {false};
                idle.add(stream(http, "/jobs/bench-" + (i % jobs) + "/events").subscribe(chunk -> {
                    if (!counted[0]) {
                        counted[0] = true;
                        firsts.countDown();
                    }
                }));
            }
            await(firsts, "idle subscribers' first events");
            long heap3 = heap(toServer, fromServer);
            result.put("heapBytesPerIdleSubscriber", (heap3 - heap2) / subscribers);
            idle.forEach(Disposable::dispose);
            awaitNoStreams(toServer, fromServer);
            result.put("heapBaselineBytes", heap0);

            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, result.toPrettyString() + "\n");
            System.out.println(result.toPrettyString());
            loops.dispose();
            pool.dispose();
        } finally {
            server.getOutputStream().close();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** S subscribers on the feed, then M jobs created at once; delivered events per second to all of them. */
    private static void fanOut(HttpClient http, int subscribers, int creates, ObjectNode result, PrintWriter to,
                               BufferedReader from) throws Exception {
        int perSubscriber = 3 * creates;
        AtomicLong burst = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(subscribers);
        CountDownLatch done = new CountDownLatch(subscribers);
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong();
        AtomicLong delivered = new AtomicLong();
        List<Disposable> feeds = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            int[] seen = {0};
            StringBuilder carry = new StringBuilder();
            feeds.add(stream(http, "/events").subscribe(chunk -> {
                // Chunks are cut anywhere: count whole "event:" lines only, carrying a partial line over.
                carry.append(chunk);
                int transitions = 0;
                int ends = 0;
                int nl;
                while ((nl = carry.indexOf("\n")) >= 0) {
                    String line = carry.substring(0, nl);
                    carry.delete(0, nl + 1);
                    if (line.equals("event: snapshot")) {
                        ready.countDown();
                    } else if (line.startsWith("event: ")) {
                        transitions++;
                        if (line.equals("event: pr_linked") || line.equals("event: terminal")) {
                            ends++;
                        }
                    }
                }
                if (ends > 0) {
                    // The burst: every job's end seen at one poll, fanned out to every subscriber.
                    long now = System.nanoTime();
                    first.accumulateAndGet(now, Math::min);
                    last.accumulateAndGet(now, Math::max);
                    burst.addAndGet(ends);
                }
                if (transitions > 0) {
                    delivered.addAndGet(transitions);
                    seen[0] += transitions;
                    if (seen[0] == perSubscriber) {
                        done.countDown();
                    }
                }
            }));
        }
        await(ready, "feed subscribers' snapshots");
        List<String> ids = Flux.range(0, creates).flatMap(i -> http.headers(h -> h.set("Content-Type",
                        "application/json")).post().uri("/jobs")
                .send((req, o) -> o.sendString(Mono.just("{\"prompt\":\"bench " + i + "\"}")))
                .responseSingle((r, b) -> b.asString().map(body -> body.replaceAll("^.*\"id\":\"([^\"]+)\".*$",
                        "$1"))), 32)
                .collectList().block(LIMIT);
        to.println("complete " + String.join(" ", ids));
        System.err.println("server: " + from.readLine());
        await(done, "every subscriber's " + perSubscriber + " events");
        double seconds = (last.get() - first.get()) / 1e9;
        result.put("feedEventsPerSubscriber", perSubscriber);
        result.put("eventsDelivered", delivered.get());
        result.put("burstEventsDelivered", burst.get());
        result.put("burstSeconds", Math.round(seconds * 1000) / 1000.0);
        result.put("eventsPerSecondDelivered", Math.round(burst.get() / seconds));
        feeds.forEach(Disposable::dispose);
    }

    private static Flux<String> stream(HttpClient http, String path) {
        return http.get().uri(path).responseContent().asString(StandardCharsets.UTF_8);
    }

    /** Waits until the server has closed every stream the last phase opened (a cancel reaches it a bit later). */
    private static void awaitNoStreams(PrintWriter to, BufferedReader from) {
        Flux.interval(Duration.ofMillis(100)).onBackpressureDrop().concatMap(i -> Mono.fromCallable(() -> {
            to.println("streams");
            return Integer.parseInt(from.readLine().split(" ")[1]);
        })).filter(n -> n == 0).blockFirst(LIMIT);
    }

    private static long heap(PrintWriter to, BufferedReader from) throws IOException {
        to.println("heap");
        String line = from.readLine();
        System.err.println("server: " + line);
        return Long.parseLong(line.split(" ")[1]);
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("timed out waiting for " + what + " (" + latch.getCount() + " left)");
        }
    }
}
