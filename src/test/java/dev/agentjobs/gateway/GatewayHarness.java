package dev.agentjobs.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

/**
 * A simulator, a client on it, and a gateway on the client, all on loopback; plus the two HTTP clients the
 * tests talk through: {@code java.net.http} for plain requests, Reactor Netty for many streams at once.
 */
final class GatewayHarness implements AutoCloseable {

    static final String KEY = "mint_gateway_test_key_7c41e9";
    static final String TOKEN = "tok_gateway_test_alpha_0123456789";
    static final String OTHER_TOKEN = "tok_gateway_test_beta_9876543210";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final ObjectMapper JSON = new ObjectMapper();

    final AgentJobsSimulator sim;
    final AgentJobsClient client;
    private final UnaryOperator<Gateway.Builder> config;
    Gateway gateway;
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final HttpClient streams = HttpClient.newConnection().responseTimeout(TIMEOUT);

    GatewayHarness(JobDurations durations, UnaryOperator<Gateway.Builder> config) {
        this(AgentJobsSimulator.builder().apiKey(KEY).durations(durations).createLimit(RateLimit.none())
                .messageLimit(RateLimit.none()).seed(11), config);
    }

    GatewayHarness(AgentJobsSimulator.Builder simulator, UnaryOperator<Gateway.Builder> config) {
        this.sim = simulator.build().start();
        this.client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p").apiKey(ApiKey.of(KEY)).build();
        this.config = config;
        this.gateway = config.apply(defaults(Gateway.builder(client)).port(0)).start();
    }

    /** Short polls and heartbeats: the tests' jobs last a second or two. */
    static Gateway.Builder defaults(Gateway.Builder b) {
        return b.tokens(List.of(TOKEN, OTHER_TOKEN)).pollPolicy(PollPolicy.fixed(Duration.ofMillis(100)))
                .heartbeat(Duration.ofSeconds(1)).retryHint(Duration.ofMillis(300));
    }

    /** Closes the gateway and starts a new one on the same port (same client and simulator). */
    void restartGateway() {
        int port = gateway.port();
        gateway.close();
        gateway = config.apply(defaults(Gateway.builder(client))).port(port).start();
    }

    String base() {
        return "http://127.0.0.1:" + gateway.port();
    }

    /** An event id of the running gateway. */
    String gatewayEpochId(long seq) {
        return gateway.epoch() + "-" + seq;
    }

    static Map<String, String> bearer() {
        return Map.of("Authorization", "Bearer " + TOKEN);
    }

    HttpResponse<String> get(String path, Map<String, String> headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(Map.of("Content-Type", "application/json"));
        h.putAll(headers);
        return send(request(path, h).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> send(HttpRequest request) {
        return send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(TIMEOUT);
        headers.forEach(b::header);
        return b;
    }

    /** Creates a job through the gateway; its id. */
    String create(String prompt) {
        HttpResponse<String> r = post("/jobs", "{\"prompt\":\"" + prompt + "\"}", bearer());
        if (r.statusCode() != 201) {
            throw new AssertionError("create answered " + r.statusCode() + ": " + r.body());
        }
        return json(r.body()).get("id").asText();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A stream's messages until it ends; {@code http-<status>} alone when it was not a stream. */
    Flux<SseEvent> stream(String path, String lastEventId) {
        return stream(path, lastEventId, bearer(), null);
    }

    Flux<SseEvent> stream(String path, String lastEventId, Map<String, String> headers, SseParser parser) {
        return Flux.defer(() -> {
            SseParser p = parser != null ? parser : new SseParser();
            return streams.headers(h -> {
                headers.forEach(h::set);
                if (lastEventId != null) {
                    h.set("Last-Event-ID", lastEventId);
                }
            }).get().uri(base() + path).response((res, body) -> res.status().code() != 200
                    ? body.then().thenMany(Flux.just(SseEvent.status(res.status().code())))
                    : body.asString(StandardCharsets.UTF_8).concatMapIterable(p::feed));
        });
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            try {
                client.close();
            } finally {
                sim.close();
            }
        }
    }
}
