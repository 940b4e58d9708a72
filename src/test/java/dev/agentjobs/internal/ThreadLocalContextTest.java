package dev.agentjobs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AgentJobsClient;
import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.ApiCall;
import dev.agentjobs.api.ApiKey;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.poll.JobWatcher;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.simulator.AgentJobsSimulator;
import dev.agentjobs.simulator.CallKind;
import dev.agentjobs.simulator.JobDurations;
import dev.agentjobs.simulator.RateLimit;
import dev.agentjobs.simulator.SimulatedResponse;
import io.micrometer.context.ContextRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.util.context.Context;

/**
 * The caller's context reaches what runs on its behalf on the client's event loop, over loopback against the
 * simulator: a trace in the Reactor Context reaches the request hooks (of the create, and of the polls, which run
 * with the context of the watch that started them), and with context-propagation present, a ThreadLocal set around
 * {@code submit} is visible in the listener's callbacks, and in nothing else's.
 */
class ThreadLocalContextTest {

    private static final String KEY = "mint_context_secret_0b7e";
    private static final String TRACE_KEY = "agentjobs.test.trace";
    private static final ThreadLocal<String> TRACE = new ThreadLocal<>();
    private static final Duration WAIT = Duration.ofSeconds(20);

    private AgentJobsSimulator sim;
    private AgentJobsClient client;
    /** "CREATE|GET|DEFERRED jobId -> the ThreadLocal seen", from the listener. */
    private final List<String> listenerSaw = new CopyOnWriteArrayList<>();
    /** "POST|GET -> the trace in the request's Reactor Context, and the ThreadLocal", from a Netty request hook. */
    private final List<String> hookSaw = new CopyOnWriteArrayList<>();
    private final Map<String, String> traceOfJob = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        ContextRegistry.getInstance().registerThreadLocalAccessor(TRACE_KEY, TRACE::get, TRACE::set, TRACE::remove);
        sim = AgentJobsSimulator.builder().apiKey(KEY).durations(JobDurations.fixed(Duration.ofMillis(1200)))
                .createLimit(RateLimit.none()).build().start();
        client = AgentJobsClient.builder().baseUrl(sim.baseUrl()).projectId("p").apiKey(ApiKey.of(KEY))
                .listener(new AgentJobsListener() {
                    @Override
                    public void requestStarted(ApiCall call, String jobId) {
                        listenerSaw.add(call + " " + jobId + " " + TRACE.get());
                    }

                    @Override
                    public void pollDeferred(String jobId, Duration delay, Throwable cause) {
                        listenerSaw.add("DEFERRED " + jobId + " " + TRACE.get());
                    }
                })
                .httpClientCustomizer(http -> http.doOnRequest((req, conn) -> hookSaw.add(req.method() + " "
                        + req.currentContextView().getOrDefault(TRACE_KEY, "none") + " " + TRACE.get())))
                .build();
    }

    @AfterEach
    void stop() {
        TRACE.remove();
        ContextRegistry.getInstance().removeThreadLocalAccessor(TRACE_KEY);
        client.close();
        sim.close();
    }

    @Test
    void aThreadLocalSetAroundSubmit_isSeenByTheListenerOfTheCreateAndOfEveryPoll_andOnlyThere() {
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();
        // One poll fails, so that a deferred poll is reported too.
        sim.enqueue(CallKind.GET, SimulatedResponse.respond(503, "{\"error\":\"busy\"}"));
        List<String> eventThreads = new CopyOnWriteArrayList<>();

        TRACE.set("trace-1");
        List<JobEvent> events;
        try {
            // contextCapture() copies the ThreadLocals set here into the subscriber's Reactor Context.
            events = watcher.submit("write the changelog").contextCapture()
                    .doOnNext(e -> eventThreads.add(Thread.currentThread().getName()))
                    .collectList().block(WAIT);
        } finally {
            TRACE.remove();
        }

        String id = events.get(0).jobId();
        assertThat(listenerSaw).contains("CREATE null trace-1", "GET " + id + " trace-1", "DEFERRED " + id + " trace-1")
                .allSatisfy(line -> assertThat(line).endsWith(" trace-1"));
        assertThat(listenerSaw.stream().filter(l -> l.startsWith("GET ")).count()).isGreaterThanOrEqualTo(2);
        // The request hooks read the trace from the request's Reactor Context, for the create and the polls alike;
        // the ThreadLocal itself is not left set on the event loop by anything the client ran before them.
        assertThat(hookSaw).contains("POST trace-1 null", "GET trace-1 null")
                .allSatisfy(line -> assertThat(line).isIn("POST trace-1 null", "GET trace-1 null"));
        // Events are delivered on the client's event loop (a subscriber that blocks must publishOn elsewhere).
        assertThat(eventThreads).isNotEmpty().allSatisfy(t -> assertThat(t).startsWith("agentjobs-http"));
    }

    @Test
    void twoWatchesAtOnce_eachPollsWithTheContextOfItsOwnSubscriber() {
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();

        Flux.merge(
                        watcher.submit("first").doOnNext(e -> traceOfJob.put(e.jobId(), "a"))
                                .contextWrite(Context.of(TRACE_KEY, "a")),
                        watcher.submit("second").doOnNext(e -> traceOfJob.put(e.jobId(), "b"))
                                .contextWrite(Context.of(TRACE_KEY, "b")))
                .then().block(WAIT);

        assertThat(traceOfJob.values()).containsExactlyInAnyOrder("a", "b");
        Map<String, List<String>> getsByJob = listenerSaw.stream().filter(l -> l.startsWith("GET "))
                .collect(Collectors.groupingBy(l -> l.split(" ")[1]));
        assertThat(getsByJob).hasSize(2);
        getsByJob.forEach((job, lines) -> assertThat(lines)
                .allSatisfy(l -> assertThat(l).endsWith(" " + traceOfJob.get(job))));
        assertThat(listenerSaw.stream().filter(l -> l.startsWith("CREATE ")).map(l -> l.split(" ")[2]))
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void aWatchJoiningARunningLoop_leavesItsPollsWithTheContextOfTheWatchThatStartedIt() throws Exception {
        JobWatcher watcher = JobWatcher.builder(client).policy(PollPolicy.fixed(Duration.ofMillis(100))).build();
        CountDownLatch created = new CountDownLatch(1);
        AtomicReference<String> id = new AtomicReference<>();
        watcher.submit("first").contextWrite(Context.of(TRACE_KEY, "starter"))
                .subscribe(e -> {
                    id.set(e.jobId());
                    created.countDown();
                });
        assertThat(created.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // The job runs 1.2 s: the watch below joins the running loop (a fresh loop would poll with "joiner").

        JobEvent last = watcher.watch(id.get()).contextWrite(Context.of(TRACE_KEY, "joiner")).blockLast(WAIT);

        assertThat(last.kind()).isEqualTo(JobEvent.Kind.TERMINAL);
        assertThat(listenerSaw).filteredOn(l -> l.startsWith("GET ")).isNotEmpty()
                .allSatisfy(l -> assertThat(l).isEqualTo("GET " + id.get() + " starter"));
    }

    @Test
    void withoutAContext_nothingIsRestored() {
        try (ThreadLocalContext.Scope scope = ThreadLocalContext.restore(Context.empty())) {
            assertThat(TRACE.get()).isNull();
        }
        try (ThreadLocalContext.Scope scope = ThreadLocalContext.restore(Context.of(TRACE_KEY, "x"))) {
            assertThat(TRACE.get()).isEqualTo("x");
        }
        assertThat(TRACE.get()).isNull();
        assertThat(ThreadLocalContext.isAvailable()).isTrue();
    }
}
