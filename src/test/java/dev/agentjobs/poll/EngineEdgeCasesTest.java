package dev.agentjobs.poll;

import static dev.agentjobs.simulator.ScriptedJobsApi.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.groups.Tuple.tuple;

import dev.agentjobs.api.AgentJobsListener;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent.Kind;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.WatchLimitExceededException;
import dev.agentjobs.internal.SchedulerClock;
import dev.agentjobs.simulator.ScriptedJobsApi;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The engine's edge cases found by review and by a hostile server (issue 9, items 2 and 4): each case is a
 * way a watch could hang, leak a request, end on a stale status, repeat a state or poll in a tight loop.
 * Virtual time throughout; the abort race holds the loop's lock to put the timer in the one place it hurt.
 */
class EngineEdgeCasesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final ScriptedJobsApi api = new ScriptedJobsApi(vts);
    private final List<Throwable> dropped = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void catchDroppedErrors() {
        Hooks.onErrorDropped(dropped::add);
    }

    @AfterEach
    void noErrorWasDropped() {
        Hooks.resetOnErrorDropped();
        assertThat(dropped).isEmpty();
    }

    private JobWatcher watcher(PollPolicy policy) {
        return JobWatcher.builder(api).policy(policy).scheduler(vts).random(new Random(42)).build();
    }

    @Test
    void aPollAnsweredEmpty_endsTheWatchSayingWhy_insteadOfHangingWithNoTimer() {
        api.script("j", job("j", JobStatus.ACTIVE), ScriptedJobsApi.EMPTY);
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(1)));

        StepVerifier.withVirtualTime(() -> w.watch("j"), () -> vts, Long.MAX_VALUE)
                .assertNext(e -> assertThat(e.status()).isEqualTo(JobStatus.ACTIVE))
                .thenAwait(Duration.ofSeconds(5))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("'j'").hasMessageContaining("without a job"))
                .verify(TIMEOUT);
        assertThat(w.activeWatches()).as("no loop left registered").isZero();
        vts.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(api.gets("j")).isEqualTo(2);
    }

    @Test
    void abort_whileATimerFiresBeforeTheStop_cancelsTheGetThatTimerStarted() throws InterruptedException {
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        JobsApi hanging = new JobsApi() {
            @Override
            public Mono<Job> create(String prompt) {
                return Mono.error(new AssertionError("no create expected"));
            }

            @Override
            public Mono<Job> get(String jobId) {
                return Mono.<Job>never().doOnSubscribe(s -> sent.incrementAndGet())
                        .doOnCancel(cancelled::incrementAndGet);
            }

            @Override
            public Mono<Job> sendMessage(String jobId, String prompt) {
                return Mono.error(new AssertionError("no message expected"));
            }
        };
        WatchEngine engine = new WatchEngine(hanging, PollPolicy.fixed(Duration.ofSeconds(1)), vts,
                new SchedulerClock(vts), AgentJobsListener.NONE, CircuitBreaker.ofDefaults("abort"), new Random(1), null, null);
        JobLoop loop = new JobLoop(engine, "j");
        assertThat(loop.tryAddSubscriber(null)).isTrue();
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        loop.events(() -> loop.start(1_000, null, null, false)).subscribe(e -> { }, errors::add);

        Thread aborter = new Thread(() -> loop.abort(new IllegalStateException("the job watcher was disposed")),
                "aborter");
        synchronized (loop) {
            aborter.start();
            // The abort waits for the loop's lock to stop it; whatever it read before that is what it cancels.
            long giveUp = System.nanoTime() + TIMEOUT.toNanos();
            while (aborter.getState() != Thread.State.BLOCKED) {
                if (System.nanoTime() > giveUp) {
                    fail("the abort never reached the loop's lock; it is " + aborter.getState());
                }
                Thread.onSpinWait();
            }
            // The timer fires now, before the stop: its GET goes out (the lock is re-entrant for this thread).
            loop.run();
        }
        aborter.join(TIMEOUT.toMillis());

        assertThat(aborter.isAlive()).isFalse();
        assertThat(sent).as("the timer's GET was sent").hasValue(1);
        assertThat(cancelled).as("the abort cancelled the GET, not the timer that had already fired").hasValue(1);
        assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void followUp_joiningAWatchWithAGetInFlight_neverEndsOnWhatThatGetRead() {
        // Each GET takes 2 s. GET 2 is sent at 7 s, before the message (8 s), and reads the old run's end.
        api.getLatency(Duration.ofSeconds(2));
        api.onMessage(id -> job(id, JobStatus.ACTIVE));
        api.script("j", job("j", JobStatus.ACTIVE), job("j", JobStatus.COMPLETED), job("j", JobStatus.ACTIVE),
                job("j", JobStatus.COMPLETED, "https://github.com/acme/docs/pull/9"));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(5)));
        List<JobEvent> watching = Collections.synchronizedList(new ArrayList<>());
        w.watch("j").subscribe(watching::add);
        vts.advanceTimeBy(Duration.ofSeconds(8));

        List<JobEvent> following = Collections.synchronizedList(new ArrayList<>());
        w.followUp("j", "and the changelog").subscribe(following::add);
        vts.advanceTimeBy(Duration.ofMinutes(1));

        // GET 2's "completed" is older than the message: ignored. GET 3 (14 s) reads active, GET 4 (21 s) the end.
        assertThat(following).extracting(JobEvent::kind, JobEvent::status, e -> e.at().toEpochMilli()).containsExactly(
                tuple(Kind.STATUS_CHANGED, JobStatus.ACTIVE, 2_000L),
                tuple(Kind.PR_LINKED, JobStatus.COMPLETED, 23_000L),
                tuple(Kind.TERMINAL, JobStatus.COMPLETED, 23_000L));
        assertThat(watching).extracting(JobEvent::kind)
                .containsExactly(Kind.STATUS_CHANGED, Kind.PR_LINKED, Kind.TERMINAL);
        assertThat(api.getTimes("j")).containsExactly(0L, 7_000L, 14_000L, 21_000L);
        assertThat(w.activeWatches()).isZero();
    }

    @Test
    void aRawTimeoutException_defersThePollLikeTheBreakerCountsIt_insteadOfEndingTheWatch() {
        TimeoutException timeout = new TimeoutException("Did not observe any item within 30000ms");
        api.script("j", timeout, job("j", JobStatus.COMPLETED));
        List<Duration> deferrals = Collections.synchronizedList(new ArrayList<>());
        JobWatcher w = JobWatcher.builder(api).policy(PollPolicy.fixed(Duration.ofSeconds(2))).scheduler(vts)
                .listener(new AgentJobsListener() {
                    @Override
                    public void pollDeferred(String jobId, Duration delay, Throwable cause) {
                        deferrals.add(delay);
                    }
                }).build();

        StepVerifier.withVirtualTime(() -> w.watch("j"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(10))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
        assertThat(deferrals).containsExactly(Duration.ofSeconds(2));
        assertThat(api.getTimes("j")).containsExactly(0L, 2_000L);
        assertThat(JobWatcher.defaultBreakerConfig(new SchedulerClock(vts)).getRecordExceptionPredicate()
                .test(timeout)).as("the breaker counts it as an outage too").isTrue();
    }

    @Test
    void aCreateAnsweredTerminal_givesCreatedThenTerminalOnce_andSendsNoGet() {
        api.onCreate(id -> job(id, JobStatus.COMPLETED, "https://github.com/acme/docs/pull/1"));
        // What a GET would read: the same snapshot (a poll of it used to repeat it as pr_linked and terminal).
        api.script("job-1", job("job-1", JobStatus.COMPLETED, "https://github.com/acme/docs/pull/1"));
        List<JobEvent> events = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> watcher(PollPolicy.fixed(Duration.ofSeconds(1))).submit("p"),
                        () -> vts, Long.MAX_VALUE)
                .recordWith(() -> events)
                .thenAwait(Duration.ofMinutes(1))
                .expectNextCount(2)
                .expectComplete().verify(TIMEOUT);
        assertThat(events).extracting(JobEvent::kind, JobEvent::previous, JobEvent::status).containsExactly(
                tuple(Kind.CREATED, null, JobStatus.COMPLETED),
                tuple(Kind.TERMINAL, null, JobStatus.COMPLETED));
        assertThat(events.get(1).job().prLink()).endsWith("/pull/1");
        assertThat(api.totalGets()).isZero();
    }

    @Test
    void aRetryAfterOfZero_neverPollsCloserThanTheFloor() {
        api.script("j", new RateLimitedException("GET job 'j': HTTP 429", "j", "slow down", Duration.ZERO));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(5)).maxPolls(20);

        StepVerifier.withVirtualTime(() -> watcher(policy).watch("j"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(10))
                .expectError(WatchLimitExceededException.class)
                .verify(TIMEOUT);
        assertGapsAtLeast(api.getTimes("j"), PollPolicy.MIN_INTERVAL.toMillis());
        assertThat(api.getTimes("j")).hasSize(20).last().isEqualTo(1_900L);
    }

    @Test
    void aDeepJitter_neverPollsCloserThanTheFloor() {
        api.script("j", job("j", JobStatus.ACTIVE));
        // Jitter 0.99 draws intervals as short as 1 ms of the nominal 100 ms.
        PollPolicy policy = PollPolicy.fixed(PollPolicy.MIN_INTERVAL).jitter(0.99);
        Disposable watching = watcher(policy).watch("j").subscribe();
        vts.advanceTimeBy(Duration.ofSeconds(10));
        watching.dispose();

        List<Long> times = api.getTimes("j");
        assertGapsAtLeast(times, PollPolicy.MIN_INTERVAL.toMillis());
        assertThat(times).hasSizeGreaterThan(60);
    }

    @Test
    void aRetryAfterTooLongForMilliseconds_isClampedNotACrash() {
        Duration absurd = Duration.ofSeconds(Long.MAX_VALUE);
        api.script("j", new RateLimitedException("GET job 'j': HTTP 429", "j", "later", absurd),
                job("j", JobStatus.COMPLETED));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(1)).maxRetryAfter(Duration.ofMinutes(3))
                .deadline(PollPolicy.MAX_DURATION);

        StepVerifier.withVirtualTime(() -> watcher(policy).watch("j"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofMinutes(3))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
        assertThat(api.getTimes("j")).containsExactly(0L, TimeUnit.MINUTES.toMillis(3));
    }

    private static void assertGapsAtLeast(List<Long> times, long minMillis) {
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i) - times.get(i - 1)).as("gap before GET %d of %s", i + 1, times)
                    .isGreaterThanOrEqualTo(minMillis);
        }
    }
}
