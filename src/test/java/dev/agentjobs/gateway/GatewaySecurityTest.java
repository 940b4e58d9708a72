package dev.agentjobs.gateway;

import static dev.agentjobs.gateway.GatewayHarness.TIMEOUT;
import static dev.agentjobs.gateway.GatewayHarness.TOKEN;
import static dev.agentjobs.gateway.GatewayHarness.bearer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.simulator.JobDurations;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

/** What the gateway refuses, with which status, and that the API key never leaves it. */
class GatewaySecurityTest {

    private GatewayHarness h;
    /** Every response body, header and event the tests saw, for the key scan. */
    private final List<String> seen = new ArrayList<>();

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private void start() {
        start(b -> b);
    }

    private void start(java.util.function.UnaryOperator<Gateway.Builder> config) {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(500)), config);
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) {
        return record(h.get(path, headers));
    }

    private HttpResponse<String> post(String path, String body, Map<String, String> headers) {
        return record(h.post(path, body, headers));
    }

    private HttpResponse<String> record(HttpResponse<String> r) {
        seen.add(r.headers().map().toString());
        seen.add(r.body());
        return r;
    }

    private static void assertError(HttpResponse<String> r, int status, String fragment) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(GatewayHarness.json(r.body()).get("error").asText()).contains(fragment);
    }

    @Test
    void unauthenticatedOrUnknownToken_gets401_onEveryApiEndpoint() {
        start();
        for (String path : List.of("/jobs", "/events", "/jobs/job_1", "/jobs/job_1/events")) {
            HttpResponse<String> r = get(path, Map.of());
            assertError(r, 401, "authentication required");
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
            assertError(get(path, Map.of("Authorization", "Bearer tok_not_one_of_ours_0000000")), 401,
                    "authentication required");
        }
        assertError(post("/jobs", "{\"prompt\":\"x\"}", Map.of()), 401, "authentication required");
        assertThat(h.sim.stats().requests()).isZero();
        assertThat(get("/healthz", Map.of()).statusCode()).isEqualTo(200);
    }

    @Test
    void tokenInTheUrl_isRefused_evenAValidOne() {
        start();
        assertError(get("/jobs?access_token=" + TOKEN, Map.of()), 400, "never accepted in a URL");
        assertError(get("/events?token=" + TOKEN, bearer()), 400, "never accepted in a URL");
    }

    @Test
    void oversizedBody_gets413_whetherDeclaredOrChunked() {
        start(b -> b.maxBodyBytes(1024));
        String big = "{\"prompt\":\"" + "x".repeat(2000) + "\"}";
        assertError(post("/jobs", big, bearer()), 413, "larger than 1024 bytes");
        HttpRequest chunked = h.request("/jobs", bearer()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build();
        assertError(record(h.send(chunked)), 413, "larger than 1024 bytes");
        assertThat(h.sim.stats().creates()).isZero();
    }

    @Test
    void malformedRequests_get400_or415_withTheApisErrorShape_andNothingGoesUpstream() {
        start();
        assertError(post("/jobs", "{\"prompt\":", bearer()), 400, "not valid JSON");
        assertError(post("/jobs", "[\"prompt\"]", bearer()), 400, "JSON object");
        assertError(post("/jobs", "{}", bearer()), 400, "\"prompt\" must be a string");
        assertError(post("/jobs", "{\"prompt\":42}", bearer()), 400, "\"prompt\" must be a string");
        assertError(post("/jobs", "{\"prompt\":\"\"}", bearer()), 400, "at least one character");
        assertError(post("/jobs", "", bearer()), 400, "JSON object");
        assertError(post("/jobs", "{\"prompt\":\"x\"}", Map.of("Authorization", "Bearer " + TOKEN,
                "Content-Type", "text/plain")), 415, "application/json");
        for (String badId : List.of("job.1", "..", "job%2F1", "a".repeat(129), "job_1;drop")) {
            assertError(get("/jobs/" + badId, bearer()), 400, "invalid job id");
        }
        assertError(post("/jobs/job%2e/messages", "{\"prompt\":\"x\"}", bearer()), 400, "invalid job id");
        assertError(get("/jobs/job_1/nothing", bearer()), 404, "no such endpoint");
        assertError(record(h.send(h.request("/jobs/job_1", bearer()).DELETE().build())), 405, "use GET");
        assertThat(h.sim.stats().requests()).isZero();
    }

    @Test
    void unknownJobUpstream_gets404_onTheJobAndItsStream() {
        start();
        assertError(get("/jobs/job_missing", bearer()), 404, "job not found");
        assertThat(h.stream("/jobs/job_missing/events", null).collectList().block(TIMEOUT))
                .extracting(SseEvent::event).containsExactly("http-404");
        assertError(post("/jobs/job_missing/messages", "{\"prompt\":\"x\"}", bearer()), 404, "job not found");
    }

    @Test
    void crossOriginPost_gets403_sameOriginPasses_andNoCorsHeadersUnlessConfigured() {
        start();
        assertError(post("/jobs", "{\"prompt\":\"x\"}", Map.of("Authorization", "Bearer " + TOKEN,
                "Origin", "https://evil.example")), 403, "cross-origin request refused");
        assertError(post("/login", "{\"token\":\"" + TOKEN + "\"}", Map.of("Origin", "null")), 403,
                "cross-origin request refused");
        HttpResponse<String> same = post("/jobs", "{\"prompt\":\"x\"}", Map.of("Authorization", "Bearer " + TOKEN,
                "Origin", h.base()));
        assertThat(same.statusCode()).isEqualTo(201);
        HttpResponse<String> read = get("/jobs", Map.of("Authorization", "Bearer " + TOKEN,
                "Origin", "https://evil.example"));
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(rawExchange("OPTIONS /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
                + "Access-Control-Request-Method: POST\r\n\r\n")).startsWith("HTTP/1.1 403").contains("not allowed");
        assertThat(h.sim.stats().creates()).isEqualTo(1);
    }

    @Test
    void configuredOrigin_getsCorsHeaders_andItsPreflightAnswered() {
        start(b -> b.allowedOrigins(List.of("https://ci.example")));
        HttpResponse<String> pre = record(h.send(h.request("/jobs", Map.of("Origin", "https://ci.example"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build()));
        assertThat(pre.statusCode()).isEqualTo(204);
        assertThat(pre.headers().firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(v ->
                assertThat(v).contains("Authorization", "Last-Event-ID"));
        HttpResponse<String> post = post("/jobs", "{\"prompt\":\"x\"}", Map.of("Authorization", "Bearer " + TOKEN,
                "Origin", "https://ci.example"));
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://ci.example");
    }

    @Test
    void foreignHostHeader_onALoopbackGateway_gets403() {
        start();
        // java.net.http will not set Host; a raw request can, as a DNS-rebinding page's browser would.
        String reply = rawExchange("GET /healthz HTTP/1.1\r\nHost: rebind.evil.example\r\n\r\n");
        assertThat(reply).startsWith("HTTP/1.1 403").contains("unexpected Host header");
        assertThat(rawExchange("GET /healthz HTTP/1.1\r\nHost: localhost:1\r\n\r\n")).startsWith("HTTP/1.1 200");
    }

    @Test
    void streamsPastTheCapPerToken_get429_andOtherTokensAreNotAffected() {
        start(b -> b.maxStreamsPerToken(2));
        var one = h.stream("/events", null).subscribe();
        var two = h.stream("/events", null).subscribe();
        try {
            awaitStreams(2);
            assertThat(h.stream("/events", null).collectList().block(TIMEOUT))
                    .extracting(SseEvent::event).containsExactly("http-429");
            assertThat(h.stream("/events", null, Map.of("Authorization", "Bearer " + GatewayHarness.OTHER_TOKEN),
                    null).blockFirst(TIMEOUT).event()).isEqualTo("snapshot");
        } finally {
            one.dispose();
            two.dispose();
        }
        awaitStreams(0);
        assertThat(h.stream("/events", null).blockFirst(TIMEOUT).event()).isEqualTo("snapshot");
    }

    @Test
    void login_setsAnHttpOnlyStrictCookie_thatOpensTheStreams_andATamperedOneDoesNot() {
        start();
        assertError(post("/login", "{\"token\":\"tok_wrong_wrong_wrong_wrong\"}", Map.of()), 401, "unknown token");
        HttpResponse<String> ok = post("/login", "{\"token\":\"" + TOKEN + "\"}", Map.of("Origin", h.base()));
        assertThat(ok.statusCode()).isEqualTo(204);
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(Auth.COOKIE + "=v1.").contains("HttpOnly", "SameSite=Strict", "Path=/")
                .doesNotContain(TOKEN);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        assertThat(get("/jobs", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
        assertThat(h.stream("/events", null, Map.of("Cookie", cookie), null).blockFirst(TIMEOUT).event())
                .isEqualTo("snapshot");
        String tampered = cookie.substring(0, cookie.length() - 2) + (cookie.endsWith("A") ? "BB" : "AA");
        assertError(get("/jobs", Map.of("Cookie", tampered)), 401, "authentication required");
        // A restarted gateway with the same tokens still honours the session: the dashboard need not log in again.
        h.restartGateway();
        assertThat(get("/jobs", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
    }

    @Test
    void nonLoopbackBind_withoutTokens_isRefused() {
        h = new GatewayHarness(JobDurations.fixed(Duration.ofMillis(500)), b -> b);
        assertThatThrownBy(() -> Gateway.builder(h.client).host("0.0.0.0").port(0).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without tokens");
        assertThatThrownBy(() -> Gateway.builder(h.client).tokens(List.of("short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("short");
    }

    @Test
    void connectionThatStallsMidRequest_isClosedAfterTheIdleTimeout() throws Exception {
        start(b -> b.idleTimeout(Duration.ofMillis(300)));
        try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: 127.0".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            byte[] rest = s.getInputStream().readAllBytes();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(new String(rest, StandardCharsets.US_ASCII)).doesNotContain("200 OK");
        }
    }

    @Test
    void keyScan_findsTheApiKeyInNoResponseHeaderOrEvent() {
        start();
        String id = GatewayHarness.json(post("/jobs", "{\"prompt\":\"scan\"}", bearer()).body()).get("id").asText();
        get("/jobs", bearer());
        get("/jobs/" + id, bearer());
        get("/healthz", Map.of());
        get("/", Map.of());
        get("/app.js", Map.of());
        get("/jobs/job_missing", bearer());
        post("/jobs/" + id + "/messages", "{\"prompt\":\"more\"}", bearer());
        Flux.merge(h.stream("/jobs/" + id + "/events", null), h.stream("/events", null).take(1))
                .map(SseEvent::toString).doOnNext(seen::add).blockLast(TIMEOUT);
        h.sim.enqueue(dev.agentjobs.simulator.CallKind.CREATE, dev.agentjobs.simulator.SimulatedResponse
                .respond(401, "{\"error\":\"bad key " + GatewayHarness.KEY + "\"}"));
        assertError(post("/jobs", "{\"prompt\":\"x\"}", bearer()), 502, "refused the gateway's credentials");

        assertThat(seen).hasSizeGreaterThan(20);
        assertThat(String.join("\n", seen)).doesNotContain(GatewayHarness.KEY).doesNotContain("mint_");
    }

    private void awaitStreams(int n) {
        Flux.interval(Duration.ofMillis(20)).filter(i -> h.gateway.openStreams() == n).blockFirst(TIMEOUT);
    }

    private String rawExchange(String request) {
        try (Socket s = new Socket("127.0.0.1", h.gateway.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            int n = in.read(buf);
            String reply = new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII);
            seen.add(reply);
            return reply;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
