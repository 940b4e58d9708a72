package dev.agentjobs.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobState;
import dev.agentjobs.simulator.RecordedRequest;
import dev.agentjobs.simulator.SimulatedResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The client against the simulator over real loopback HTTP: statuses, faults, retry rules, secrets. */
class AgentJobsClientLoopbackTest {

    private static final String KEY = "mint_loopback_secret_7f3a9c";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final CallRetryPolicy FAST = CallRetryPolicy.exponential(3, Duration.ofMillis(10))
            .jitter(0).maxBackoff(Duration.ofMillis(50));

    private AgentJobsSimulator sim;
    private final List<AgentJobsClient> clients = new CopyOnWriteArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final AgentJobsListener recorder = new AgentJobsListener() {
        @Override
        public void requestStarted(ApiCall call, String jobId) {
            seen.add("start " + call + " " + jobId);
        }

        @Override
        public void responseReceived(ApiCall call, String jobId, int httpStatus, Duration elapsed) {
            seen.add("response " + call + " " + httpStatus);
        }

        @Override
        public void requestFailed(ApiCall call, String jobId, Throwable error, Duration elapsed) {
            seen.add("failed " + call + " " + error);
        }

        @Override
        public void retryScheduled(ApiCall call, String jobId, int attempt, Duration delay, Throwable cause) {
            seen.add("retry " + call + " #" + attempt + " after " + delay + " " + cause);
        }
    };

    @BeforeEach
    void startSimulator() {
        sim = AgentJobsSimulator.builder().apiKey(KEY).build().start();
    }

    @AfterEach
    void stopAll() {
        clients.forEach(AgentJobsClient::close);
        sim.close();
        // Whatever the test did, nothing the listener saw may hold the key.
        assertThat(seen).noneMatch(s -> s.contains(KEY));
    }

    private AgentJobsClient.Builder builder() {
        return AgentJobsClient.builder().baseUrl(sim.url()).projectId("proj").apiKey(ApiKey.of(KEY))
                .listener(recorder).retryPolicy(FAST);
    }

    private AgentJobsClient client(AgentJobsClient.Builder b) {
        AgentJobsClient c = b.build();
        clients.add(c);
        return c;
    }

    private AgentJobsClient client() {
        return client(builder());
    }

    private static Throwable failure(Mono<?> call) {
        Throwable[] out = new Throwable[1];
        StepVerifier.create(call).expectErrorSatisfies(e -> out[0] = e).verify(WAIT);
        assertThat(out[0].getMessage()).doesNotContain(KEY);
        assertThat(out[0].toString()).doesNotContain(KEY);
        for (Throwable c = out[0].getCause(); c != null; c = c.getCause()) {
            assertThat(String.valueOf(c.getMessage())).doesNotContain(KEY);
        }
        return out[0];
    }

    @Test
    void create_get_message_roundTrip_sendsWhatTheSpecAsks() throws Exception {
        AgentJobsClient client = client();
        Job created = client.create("Document /health").block(WAIT);
        assertThat(created.id()).isNotBlank();
        assertThat(created.status()).isEqualTo(JobStatus.ACTIVE);

        RecordedRequest post = sim.takeRequest();
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.rawPath()).isEqualTo("/v2/agent/proj/job");
        assertThat(post.body()).isEqualTo("{\"prompt\":\"Document /health\"}");
        assertThat(post.header("content-type")).isEqualTo("application/json");
        assertThat(post.header("accept")).isEqualTo("application/json");
        assertThat(post.header("user-agent")).isEqualTo("agentjobs/0.1");

        assertThat(client.get(created.id()).block(WAIT).id()).isEqualTo(created.id());
        assertThat(sim.takeRequest().rawPath()).isEqualTo("/v2/agent/proj/job/" + created.id());

        Job afterMessage = client.sendMessage(created.id(), "Also /ready").block(WAIT);
        assertThat(afterMessage.id()).isEqualTo(created.id());
        RecordedRequest msg = sim.takeRequest();
        assertThat(msg.rawPath()).isEqualTo("/v2/agent/proj/job/" + created.id() + "/message");
        assertThat(msg.body()).isEqualTo("{\"prompt\":\"Also /ready\"}");
        assertThat(sim.stats().creates()).isEqualTo(1);
        assertThat(sim.stats().messages()).isEqualTo(1);
    }

    @Test
    void everyErrorStatusMapsToItsType() {
        AgentJobsClient client = client();
        Map<Integer, Class<? extends AgentJobsException>> expected = Map.of(
                400, InvalidRequestException.class, 401, AccessDeniedException.class,
                403, AccessDeniedException.class, 404, JobNotFoundException.class,
                429, RateLimitedException.class, 500, ServerErrorException.class,
                502, ServerErrorException.class, 503, ServerErrorException.class,
                418, UnexpectedResponseException.class, 302, UnexpectedResponseException.class);
        expected.forEach((status, type) -> {
            sim.enqueue(CallKind.GET, SimulatedResponse.respond(status, "{\"error\":\"reason " + status + "\"}"));
            Throwable e = failure(client.get("job-1", CallRetryPolicy.none()));
            assertThat(e).as("status %d", status).isExactlyInstanceOf(type)
                    .hasMessage("GET job 'job-1': HTTP " + status + ": reason " + status);
            AgentJobsException ae = (AgentJobsException) e;
            assertThat(ae.httpStatus()).isEqualTo(status);
            assertThat(ae.serverMessage()).contains("reason " + status);
            assertThat(ae.jobId()).contains("job-1");
        });
    }

    @Test
    void aNonJsonErrorBodyIsTolerated() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(502, "Bad Gateway"));
        Throwable e = failure(client().get("j", CallRetryPolicy.none()));
        assertThat(e).isInstanceOf(ServerErrorException.class).hasMessage("GET job 'j': HTTP 502: Bad Gateway");
    }

    @Test
    void aWrongKeyIs401AndAServerEchoOfTheKeyIsRedacted() {
        AgentJobsClient wrong = client(builder().apiKey(ApiKey.of("mint_wrong")));
        assertThat(failure(wrong.get("j"))).isInstanceOf(AccessDeniedException.class);

        sim.enqueue(CallKind.GET, SimulatedResponse.respond(401, "{\"error\":\"key " + KEY + " expired\"}"));
        Throwable e = failure(client().get("j"));
        assertThat(e).hasMessage("GET job 'j': HTTP 401: key [REDACTED] expired");
    }

    @Test
    void aServerEchoingTheKeyInJobFields_givesAJobWithTheKeyRedacted() {
        sim.putJob("proj", "j1", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, SimulatedResponse.normal().withCallerKeyIn("model"));
        sim.enqueue(CallKind.CREATE, SimulatedResponse.normal().withCallerKeyIn("prLink"));
        Job got = client().get("j1").block(WAIT);
        Job created = client().create("x").block(WAIT);
        assertThat(got.model()).isEqualTo("[REDACTED]");
        assertThat(created.prLink()).isEqualTo("[REDACTED]");
        assertThat(got.toString() + created).doesNotContain(KEY);
    }

    @Test
    void get_retriesResetsAnd5xxThenSucceeds() {
        sim.putJob("proj", "j1", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, SimulatedResponse.closeConnection());
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(500, "{\"error\":\"boom\"}"));
        Job job = client().get("j1").block(WAIT);
        assertThat(job.id()).isEqualTo("j1");
        assertThat(seen).filteredOn(s -> s.startsWith("retry GET")).hasSize(2);
        assertThat(seen).filteredOn(s -> s.startsWith("start GET")).hasSize(3);
    }

    @Test
    void get_givesUpAfterMaxAttemptsWithTheLastError() {
        for (int i = 0; i < 3; i++) {
            sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"busy\"}"));
        }
        assertThat(failure(client().get("j"))).isExactlyInstanceOf(ServerErrorException.class);
        assertThat(sim.stats().requests()).isEqualTo(3);
    }

    @Test
    void create_isNeverResentAfterTheServerActedAndClosed() {
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenClose());
        Throwable e = failure(client().create("ambiguous close"));
        assertThat(e).isExactlyInstanceOf(OutcomeUnknownException.class)
                .hasCauseExactlyInstanceOf(TransportException.class)
                .hasMessageStartingWith("POST job: ");
        assertThat(sim.stats().creates()).isEqualTo(1);
        assertThat(sim.stats().maxCreatesForOnePrompt()).isEqualTo(1);
        assertThat(sim.requests()).hasSize(1);
    }

    @Test
    void create_closedWithoutResponseAfterTheWrite_isAmbiguousEvenIfTheServerDidNotAct() {
        // The client cannot tell this from commitThenClose, so it must treat both the same way.
        sim.enqueue(CallKind.CREATE, SimulatedResponse.closeConnection());
        assertThat(failure(client().create("maybe"))).isExactlyInstanceOf(OutcomeUnknownException.class);
        assertThat(sim.requests()).hasSize(1);
        assertThat(sim.stats().creates()).isZero();
    }

    @Test
    void create_isNeverResentAfterA5xxOrAMalformedBody() {
        AgentJobsClient client = client();
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenRespond(500, "{\"error\":\"oops\"}"));
        assertThat(failure(client.create("p1"))).isExactlyInstanceOf(OutcomeUnknownException.class)
                .hasCauseExactlyInstanceOf(ServerErrorException.class);
        sim.enqueue(CallKind.CREATE, SimulatedResponse.commitThenRespond(201, "{\"id\":\"trunc"));
        assertThat(failure(client.create("p2"))).isExactlyInstanceOf(OutcomeUnknownException.class)
                .hasCauseExactlyInstanceOf(MalformedResponseException.class);
        sim.enqueue(CallKind.CREATE, SimulatedResponse.respond(502, "{\"error\":\"gateway\"}"));
        assertThat(failure(client.create("p3"))).isExactlyInstanceOf(OutcomeUnknownException.class);
        assertThat(sim.stats().requests()).isEqualTo(3);
        assertThat(sim.stats().maxCreatesForOnePrompt()).isEqualTo(1);
    }

    @Test
    void create_isNeverResentAfterAResponseTimeout() {
        AgentJobsClient client = client(builder().responseTimeout(Duration.ofMillis(300)));
        sim.enqueue(CallKind.CREATE, SimulatedResponse.delayed(Duration.ofSeconds(2)));
        Throwable e = failure(client.create("slow"));
        assertThat(e).isExactlyInstanceOf(OutcomeUnknownException.class)
                .hasCauseExactlyInstanceOf(TransportException.class).hasMessageContaining("no response within");
        assertThat(sim.stats().creates()).isEqualTo(1);
        assertThat(sim.requests()).hasSize(1);
    }

    @Test
    void get_retriesAfterAResponseTimeout() {
        sim.putJob("proj", "slow", JobState.ACTIVE);
        AgentJobsClient client = client(builder().responseTimeout(Duration.ofMillis(300)));
        sim.enqueue(CallKind.GET, SimulatedResponse.delayed(Duration.ofSeconds(2)));
        assertThat(client.get("slow").block(WAIT).id()).isEqualTo("slow");
        assertThat(seen).anyMatch(s -> s.startsWith("failed GET") && s.contains("no response within PT0.3S"));
    }

    @Test
    void message_isNeverResentAfterAnAmbiguousClose() {
        sim.putJob("proj", "m1", JobState.ACTIVE);
        sim.enqueue(CallKind.MESSAGE, SimulatedResponse.commitThenClose());
        assertThat(failure(client().sendMessage("m1", "more"))).isExactlyInstanceOf(OutcomeUnknownException.class);
        assertThat(sim.stats().messages()).isEqualTo(1);
        assertThat(sim.requests()).hasSize(1);
    }

    @Test
    void create_isRetriedWhenTheConnectionIsRefused_neverAmbiguous() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AgentJobsClient client = client(builder().baseUrl("http://127.0.0.1:" + port));
        Throwable e = failure(client.create("nowhere"));
        assertThat(e).isExactlyInstanceOf(TransportException.class).hasMessageContaining("POST job: ");
        assertThat(seen).filteredOn(s -> s.startsWith("start CREATE")).hasSize(3);
        assertThat(seen).filteredOn(s -> s.startsWith("retry CREATE")).hasSize(2);
    }

    @Test
    void close_whileACreateWaitsToBeRetried_failsItAsClosed_insteadOfLeavingItHanging() throws Exception {
        CountDownLatch retryScheduled = new CountDownLatch(1);
        AgentJobsClient client = client(builder().retryPolicy(CallRetryPolicy.defaults())
                .listener(new AgentJobsListener() {
                    @Override
                    public void retryScheduled(ApiCall call, String jobId, int attempt, Duration delay,
                                               Throwable cause) {
                        retryScheduled.countDown();
                    }
                }));
        sim.enqueue(CallKind.CREATE, SimulatedResponse.respond(429, "{\"error\":\"slow down\"}")
                .withHeader("Retry-After", "30"));
        var result = client.create("waits to be retried").toFuture();
        assertThat(retryScheduled.await(10, TimeUnit.SECONDS)).isTrue();

        client.close();

        assertThatThrownBy(() -> result.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ClientClosedException.class)
                .cause().hasMessageContaining("waited to be retried");
        assertThat(sim.stats().creates()).as("the 429 proved nothing was created, and nothing was resent").isZero();
    }

    @Test
    void create_isRetriedOn429HonouringRetryAfterInSeconds_underVirtualTime() throws Exception {
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        CountDownLatch retryScheduled = new CountDownLatch(1);
        AtomicInteger delaySeconds = new AtomicInteger(-1);
        AgentJobsClient client = client(builder().scheduler(vts).listener(new AgentJobsListener() {
            @Override
            public void retryScheduled(ApiCall call, String jobId, int attempt, Duration delay, Throwable cause) {
                delaySeconds.set((int) delay.toSeconds());
                retryScheduled.countDown();
            }
        }));
        sim.enqueue(CallKind.CREATE, SimulatedResponse.respond(429, "{\"error\":\"slow down\"}")
                .withHeader("Retry-After", "30"));
        var result = client.create("rate limited").toFuture();
        assertThat(retryScheduled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(delaySeconds).hasValue(30);
        vts.advanceTimeBy(Duration.ofSeconds(29));
        assertThat(result).isNotDone();
        assertThat(sim.stats().requests()).isEqualTo(1);
        vts.advanceTimeBy(Duration.ofSeconds(1));
        assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.ACTIVE);
        assertThat(sim.stats().creates()).isEqualTo(1);
        assertThat(sim.stats().rejected429()).isEqualTo(1);
    }

    @Test
    void get_honoursAnHttpDateRetryAfterOn503_readAgainstTheClientClock() throws Exception {
        Instant now = Instant.parse("2026-11-29T10:00:00Z");
        VirtualTimeScheduler vts = VirtualTimeScheduler.create();
        CountDownLatch retryScheduled = new CountDownLatch(1);
        AtomicInteger delaySeconds = new AtomicInteger(-1);
        AgentJobsClient client = client(builder().scheduler(vts).clock(Clock.fixed(now, ZoneOffset.UTC))
                .listener(new AgentJobsListener() {
                    @Override
                    public void retryScheduled(ApiCall call, String jobId, int attempt, Duration delay,
                                               Throwable cause) {
                        delaySeconds.set((int) delay.toSeconds());
                        retryScheduled.countDown();
                    }
                }));
        sim.putJob("proj", "d1", JobState.COMPLETED);
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(45).atOffset(ZoneOffset.UTC));
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"busy\"}").withHeader("Retry-After", date));
        var result = client.get("d1").toFuture();
        assertThat(retryScheduled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(delaySeconds).hasValue(45);
        vts.advanceTimeBy(Duration.ofSeconds(45));
        assertThat(result.get(10, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void aRetryAfterBeyondThePolicyMaximum_isWaitedOnlyThatLong_andTheCallEndsAtItsAttemptLimit() {
        for (int i = 0; i < 3; i++) {
            sim.enqueue(CallKind.GET, SimulatedResponse.respond(429, "{\"error\":\"later\"}")
                    .withHeader("Retry-After", "3600"));
        }
        AgentJobsClient client = client(builder().retryPolicy(FAST.maxRetryAfter(Duration.ofMillis(200))));
        long start = System.nanoTime();
        Throwable e = failure(client.get("j"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(e).isExactlyInstanceOf(RateLimitedException.class);
        assertThat(((AgentJobsException) e).retryAfter()).as("the server's own value").contains(Duration.ofHours(1));
        assertThat(sim.stats().requests()).isEqualTo(3);
        assertThat(took).as("two waits cut to 200 ms each").isGreaterThanOrEqualTo(Duration.ofMillis(400))
                .isLessThan(WAIT);
    }

    @Test
    void awkwardIdsReachTheServerAsOneSegment() throws Exception {
        AgentJobsClient client = client();
        for (String id : List.of("a b", "a/b", "a?b=c", "x#y", "100%", "..", "é日\uD83D\uDE00", "job+1;v=2")) {
            sim.putJob("proj", id, JobState.ACTIVE);
            assertThat(client.get(id).block(WAIT).id()).as(id).isEqualTo(id);
            RecordedRequest r = sim.takeRequest();
            assertThat(r.pathParams()).as(id).containsEntry("id", id);
            assertThat(r.rawPath()).as(id).doesNotContain("?").doesNotContain("#");
        }
    }

    @Test
    void oversizedAndMalformedBodiesAreMalformedResponses() {
        AgentJobsClient client = client(builder().maxResponseBytes(1024));
        String big = "{\"id\":\"j\",\"pad\":\"" + "x".repeat(4096) + "\"}";
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, big));
        assertThat(failure(client.get("j", CallRetryPolicy.none()))).isExactlyInstanceOf(MalformedResponseException.class)
                .hasMessageContaining("exceeds the limit of 1024 bytes");
        for (String body : List.of("[1,2]", "\"job\"", "not json", "")) {
            sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, body));
            assertThat(failure(client.get("j", CallRetryPolicy.none()))).as(body)
                    .isExactlyInstanceOf(MalformedResponseException.class);
        }
        // A status still counts when its body is too large to read.
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(404, big));
        assertThat(failure(client.get("j", CallRetryPolicy.none()))).isExactlyInstanceOf(JobNotFoundException.class);
        // And the client still works on a fresh connection afterwards.
        sim.putJob("proj", "ok", JobState.ACTIVE);
        assertThat(client.get("ok").block(WAIT).id()).isEqualTo("ok");
    }

    @Test
    void get_retriesAMalformedBody() {
        sim.putJob("proj", "m", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200, "{\"id\":"));
        assertThat(client().get("m").block(WAIT).id()).isEqualTo("m");
    }

    @Test
    void unknownStatusAndExtraFieldsDecode() {
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(200,
                "{\"id\":\"u\",\"status\":\"hibernating\",\"futureField\":[1]}"));
        Job job = client().get("u").block(WAIT);
        assertThat(job.status()).isEqualTo(JobStatus.UNKNOWN);
        assertThat(job.model()).isNull();
    }

    @Test
    void inFlightRequestsNeverExceedMaxConnections() {
        AtomicInteger current = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AgentJobsClient client = client(builder().maxConnections(2).listener(new AgentJobsListener() {
            @Override
            public void requestStarted(ApiCall call, String jobId) {
                max.accumulateAndGet(current.incrementAndGet(), Math::max);
            }

            @Override
            public void responseReceived(ApiCall call, String jobId, int httpStatus, Duration elapsed) {
                current.decrementAndGet();
            }
        }));
        sim.putJob("proj", "c", JobState.ACTIVE);
        for (int i = 0; i < 6; i++) {
            sim.enqueue(CallKind.GET, SimulatedResponse.delayed(Duration.ofMillis(100)));
        }
        List<Job> jobs = Flux.range(0, 40).flatMap(i -> client.get("c")).collectList().block(WAIT);
        assertThat(jobs).hasSize(40);
        assertThat(max.get()).isBetween(1, 2);
    }

    @Test
    void cancellingACallInFlightFreesItsSlotAndConnection() throws Exception {
        AgentJobsClient client = client(builder().maxConnections(1));
        sim.putJob("proj", "c", JobState.ACTIVE);
        sim.enqueue(CallKind.GET, SimulatedResponse.delayed(Duration.ofSeconds(30)));
        var hanging = client.get("c").subscribe();
        assertThat(sim.takeRequest().callKind()).isEqualTo(CallKind.GET); // it is on the wire now
        hanging.dispose();
        assertThat(client.get("c").block(WAIT).id()).isEqualTo("c");
    }

    @Test
    void closedClientRejectsCalls_andCloseIsIdempotent() {
        AgentJobsClient client = client();
        sim.putJob("proj", "c", JobState.ACTIVE);
        assertThat(client.get("c").block(WAIT)).isNotNull();
        client.close();
        client.close();
        assertThat(client.isDisposed()).isTrue();
        assertThatThrownBy(() -> client.get("c").block(WAIT)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
