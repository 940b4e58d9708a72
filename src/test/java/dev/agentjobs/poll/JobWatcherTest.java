package dev.agentjobs.poll;

import static dev.agentjobs.simulator.ScriptedJobsApi.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent.Kind;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.ServerErrorException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.api.WatchLimitExceededException;
import dev.agentjobs.simulator.ScriptedJobsApi;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class JobWatcherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final ScriptedJobsApi api = new ScriptedJobsApi(vts);

    private final List<Throwable> dropped = java.util.Collections.synchronizedList(new ArrayList<>());

    @org.junit.jupiter.api.BeforeEach
    void catchDroppedErrors() {
        // A dropped error is a watch that ended without telling its subscribers.
        reactor.core.publisher.Hooks.onErrorDropped(dropped::add);
    }

    @org.junit.jupiter.api.AfterEach
    void noErrorWasDropped() {
        reactor.core.publisher.Hooks.resetOnErrorDropped();
        assertThat(dropped).isEmpty();
    }

    private JobWatcher watcher(PollPolicy policy) {
        return JobWatcher.builder(api).policy(policy).scheduler(vts).random(new Random(42)).build();
    }

    @Test
    void watch_pollsAtOnceThenGrowsIntervalUpToTheCap() {
        api.script("j", job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE),
                job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE), job("j", JobStatus.COMPLETED));
        PollPolicy policy = PollPolicy.exponential(Duration.ofSeconds(5), 2.0).maxInterval(Duration.ofSeconds(20))
                .jitter(0);

        StepVerifier.withVirtualTime(() -> watcher(policy).watch("j").map(JobEvent::kind), () -> vts, Long.MAX_VALUE)
                .expectNext(Kind.STATUS_CHANGED)
                .thenAwait(Duration.ofMinutes(5))
                .expectNext(Kind.TERMINAL)
                .expectComplete().verify(TIMEOUT);

        // 5, 10, 20, then capped at 20.
        assertThat(api.getTimes("j")).containsExactly(0L, 5_000L, 15_000L, 35_000L, 55_000L, 75_000L);
    }

    @Test
    void submit_emitsCreatedFirstAndPollsAfterTheFirstPollDelay() {
        api.otherwise(id -> job(id, JobStatus.COMPLETED, "https://github.com/acme/docs/pull/7"));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(5)).firstPollDelay(Duration.ofSeconds(12));

        StepVerifier.withVirtualTime(() -> watcher(policy).submit("fix it"), () -> vts, Long.MAX_VALUE)
                .assertNext(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CREATED);
                    assertThat(e.status()).isEqualTo(JobStatus.ACTIVE);
                    assertThat(e.previous()).isNull();
                })
                .expectNoEvent(Duration.ofSeconds(12))
                .assertNext(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.PR_LINKED);
                    assertThat(e.job().prLink()).endsWith("/pull/7");
                })
                .assertNext(e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TERMINAL);
                    assertThat(e.previous()).isEqualTo(JobStatus.ACTIVE);
                    assertThat(e.status()).isEqualTo(JobStatus.COMPLETED);
                    assertThat(e.at().toEpochMilli()).isEqualTo(12_000L);
                })
                .expectComplete().verify(TIMEOUT);
        assertThat(api.creates()).isEqualTo(1);
        assertThat(api.getTimes("job-1")).containsExactly(12_000L);
    }

    @Test
    void watch_emitsOnlyChangesNeverARepeatedState() {
        api.script("j", job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE), job("j", JobStatus.UNKNOWN),
                job("j", JobStatus.UNKNOWN), job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE),
                job("j", JobStatus.FAILED));
        List<JobEvent> events = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> watcher(PollPolicy.fixed(Duration.ofSeconds(1))).watch("j"),
                        () -> vts, Long.MAX_VALUE)
                .recordWith(() -> events)
                .thenAwait(Duration.ofSeconds(10))
                .expectNextCount(4)
                .expectComplete().verify(TIMEOUT);
        assertThat(events).extracting(JobEvent::previous, JobEvent::status, JobEvent::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(null, JobStatus.ACTIVE, Kind.STATUS_CHANGED),
                org.assertj.core.groups.Tuple.tuple(JobStatus.ACTIVE, JobStatus.UNKNOWN, Kind.STATUS_CHANGED),
                org.assertj.core.groups.Tuple.tuple(JobStatus.UNKNOWN, JobStatus.ACTIVE, Kind.STATUS_CHANGED),
                org.assertj.core.groups.Tuple.tuple(JobStatus.ACTIVE, JobStatus.FAILED, Kind.TERMINAL));
    }

    @Test
    void jitter_keepsEveryIntervalWithinItsBoundsAndSpreadsJobsApart() {
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(10)).jitter(0.2).spread(Duration.ofSeconds(10));
        JobWatcher w = watcher(policy);
        List<Disposable> subs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            api.script("j" + i, job("j" + i, JobStatus.ACTIVE));
            subs.add(w.watch("j" + i).subscribe());
        }
        vts.advanceTimeBy(Duration.ofMinutes(10));
        List<Long> firstPolls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            List<Long> t = api.getTimes("j" + i);
            firstPolls.add(t.get(0));
            assertThat(t.get(0)).isBetween(0L, 10_000L);
            for (int k = 1; k < t.size(); k++) {
                assertThat(t.get(k) - t.get(k - 1)).isBetween(8_000L, 12_000L);
            }
        }
        assertThat(firstPolls.stream().distinct().count()).as("first polls are spread").isGreaterThan(40);
        subs.forEach(Disposable::dispose);
    }

    @Test
    void deadline_failsTheWatchAtTheDeadlineNamingJobAndLimit() {
        api.script("slow", job("slow", JobStatus.ACTIVE));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(7)).deadline(Duration.ofSeconds(60));
        StepVerifier.withVirtualTime(() -> watcher(policy).watch("slow"), () -> vts, Long.MAX_VALUE)
                .expectNextCount(1)
                .expectNoEvent(Duration.ofSeconds(59))
                .thenAwait(Duration.ofSeconds(1))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WatchLimitExceededException.class)
                        .hasMessageContaining("slow").hasMessageContaining("PT1M"))
                .verify(TIMEOUT);
        // Polls at 0, 7, ..., 56: none after the deadline.
        assertThat(api.getTimes("slow")).hasSize(9).allMatch(t -> t < 60_000L);
    }

    @Test
    void maxPolls_failsAfterTheCapNamingIt() {
        api.script("j", job("j", JobStatus.ACTIVE));
        StepVerifier.withVirtualTime(() -> watcher(PollPolicy.fixed(Duration.ofSeconds(1)).maxPolls(3)).watch("j"),
                        () -> vts, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenAwait(Duration.ofSeconds(5))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(WatchLimitExceededException.class)
                        .hasMessageContaining("'j'").hasMessageContaining("3 polls"))
                .verify(TIMEOUT);
        assertThat(api.gets("j")).isEqualTo(3);
    }

    @Test
    void retryAfter_takesPrecedenceOverTheIntervalAndIsClamped() {
        api.script("j", job("j", JobStatus.ACTIVE),
                new RateLimitedException("429", "j", "slow down", Duration.ofSeconds(42)),
                new ServerErrorException("503", "j", 503, "busy", Duration.ofHours(1)),
                job("j", JobStatus.COMPLETED));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(5)).maxRetryAfter(Duration.ofMinutes(5));
        StepVerifier.withVirtualTime(() -> watcher(policy).watch("j"), () -> vts, Long.MAX_VALUE)
                .expectNextCount(1)
                .thenAwait(Duration.ofHours(1))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
        assertThat(api.getTimes("j")).containsExactly(0L, 5_000L, 47_000L, 347_000L);
    }

    @Test
    void transientFailures_backOffDoublingAndNeverEndTheWatch() {
        TransportException reset = new TransportException("reset", "j", null);
        api.script("j", reset, reset, reset, reset, job("j", JobStatus.COMPLETED));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(2)).maxErrorBackoff(Duration.ofSeconds(10));
        StepVerifier.withVirtualTime(() -> watcher(policy).watch("j"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofMinutes(1))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
        // Backoff 2, 4, 8, then capped at 10.
        assertThat(api.getTimes("j")).containsExactly(0L, 2_000L, 6_000L, 14_000L, 24_000L);
    }

    @Test
    void notFoundUnauthorizedAndForbidden_endTheWatchAtOnceWithoutRetrying() {
        api.script("gone", new JobNotFoundException("404", "gone", "job not found"));
        api.script("key", new AccessDeniedException("401", "key", 401, "bad key"));
        api.script("scope", new AccessDeniedException("403", "scope", 403, "no read scope"));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(1)));
        StepVerifier.create(w.watch("gone")).expectError(JobNotFoundException.class).verify(TIMEOUT);
        StepVerifier.create(w.watch("key")).expectError(AccessDeniedException.class).verify(TIMEOUT);
        StepVerifier.create(w.watch("scope")).expectError(AccessDeniedException.class).verify(TIMEOUT);
        vts.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(api.gets("gone") + api.gets("key") + api.gets("scope")).isEqualTo(3);
        assertThat(w.activeWatches()).isZero();
    }

    @Test
    void run_andAwaitTerminal_returnTheTerminalJobWhateverItsStatus() {
        api.otherwise(id -> job(id, JobStatus.FAILED));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(3)));
        StepVerifier.withVirtualTime(() -> w.run("p"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(30))
                .assertNext(j -> assertThat(j.status()).isEqualTo(JobStatus.FAILED))
                .expectComplete().verify(TIMEOUT);
        api.script("old", job("old", JobStatus.ARCHIVED));
        JobWatcher fresh = JobWatcher.builder(api).scheduler(VirtualTimeScheduler.create()).build();
        StepVerifier.create(fresh.awaitTerminal("old"))
                .assertNext(j -> assertThat(j.status()).isEqualTo(JobStatus.ARCHIVED))
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void twoSubscribers_shareOneLoop_andALateOneGetsTheLatestStateFirst() {
        api.script("j", job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE), job("j", JobStatus.ACTIVE),
                job("j", JobStatus.ACTIVE, "https://github.com/acme/docs/pull/1"), job("j", JobStatus.COMPLETED,
                        "https://github.com/acme/docs/pull/1"));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(10)));
        List<JobEvent> first = new ArrayList<>();
        List<JobEvent> second = new ArrayList<>();
        w.watch("j").subscribe(first::add);
        vts.advanceTimeBy(Duration.ofSeconds(15));
        w.watch("j").subscribe(second::add);
        assertThat(second).extracting(JobEvent::status).containsExactly(JobStatus.ACTIVE);
        vts.advanceTimeBy(Duration.ofMinutes(2));

        assertThat(api.getTimes("j")).containsExactly(0L, 10_000L, 20_000L, 30_000L, 40_000L);
        assertThat(first).extracting(JobEvent::kind)
                .containsExactly(Kind.STATUS_CHANGED, Kind.PR_LINKED, Kind.TERMINAL);
        assertThat(second).extracting(JobEvent::kind)
                .containsExactly(Kind.STATUS_CHANGED, Kind.PR_LINKED, Kind.TERMINAL);
        assertThat(w.activeWatches()).isZero();
    }

    @Test
    void cancellingEverySubscriber_stopsThePolls_andALaterWatchStartsWithAGet() {
        api.script("j", job("j", JobStatus.ACTIVE));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(10)));
        Disposable a = w.watch("j").subscribe();
        Disposable b = w.watch("j").subscribe();
        vts.advanceTimeBy(Duration.ofSeconds(25));
        assertThat(api.gets("j")).isEqualTo(3);
        a.dispose();
        vts.advanceTimeBy(Duration.ofSeconds(10));
        assertThat(api.gets("j")).as("one subscriber left: still polling").isEqualTo(4);
        b.dispose();
        vts.advanceTimeBy(Duration.ofMinutes(5));
        assertThat(api.gets("j")).as("no subscriber: no poll").isEqualTo(4);
        assertThat(w.activeWatches()).isZero();

        List<JobEvent> again = new ArrayList<>();
        w.watch("j").subscribe(again::add);
        assertThat(api.gets("j")).isEqualTo(5);
        assertThat(api.creates()).isZero();
        assertThat(again).hasSize(1);
    }

    @Test
    void followUp_watchesThroughActiveAgainToTheNextTerminalStatus() {
        api.onMessage(id -> job(id, JobStatus.ACTIVE));
        api.script("done", job("done", JobStatus.ACTIVE), job("done", JobStatus.COMPLETED,
                "https://github.com/acme/docs/pull/2"));
        StepVerifier.withVirtualTime(() -> watcher(PollPolicy.fixed(Duration.ofSeconds(5))).followUp("done", "more"),
                        () -> vts, Long.MAX_VALUE)
                .assertNext(e -> assertThat(e.status()).isEqualTo(JobStatus.ACTIVE))
                .thenAwait(Duration.ofSeconds(30))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.PR_LINKED))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
        assertThat(api.messages()).isEqualTo(1);
    }

    @Test
    void followUp_takesAStaleTerminalStatusForTheOldOneUntilActiveShows() {
        api.onMessage(id -> job(id, JobStatus.COMPLETED));
        api.script("j", job("j", JobStatus.COMPLETED), job("j", JobStatus.COMPLETED), job("j", JobStatus.ACTIVE),
                job("j", JobStatus.COMPLETED));
        List<JobEvent> events = new ArrayList<>();
        StepVerifier.withVirtualTime(() -> watcher(PollPolicy.fixed(Duration.ofSeconds(5))).followUp("j", "again"),
                        () -> vts, Long.MAX_VALUE)
                .recordWith(() -> events)
                .thenAwait(Duration.ofMinutes(1))
                .expectNextCount(3)
                .expectComplete().verify(TIMEOUT);
        assertThat(events).extracting(JobEvent::status)
                .containsExactly(JobStatus.COMPLETED, JobStatus.ACTIVE, JobStatus.COMPLETED);
        assertThat(api.gets("j")).isEqualTo(4);
    }

    @Test
    void followUp_acceptsATerminalStatusOnceTheGraceRunsOut() {
        api.onMessage(id -> job(id, JobStatus.COMPLETED));
        api.script("j", job("j", JobStatus.COMPLETED));
        PollPolicy policy = PollPolicy.fixed(Duration.ofSeconds(10)).followUpGrace(Duration.ofSeconds(30));
        StepVerifier.withVirtualTime(() -> watcher(policy).followUp("j", "again"), () -> vts, Long.MAX_VALUE)
                .expectNextCount(1)
                .expectNoEvent(Duration.ofSeconds(30))
                .thenAwait(Duration.ofSeconds(10))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void dispose_endsEveryWatchWithAnErrorAndStopsPolling() {
        api.script("j", job("j", JobStatus.ACTIVE));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(1)));
        List<Throwable> errors = new ArrayList<>();
        w.watch("j").subscribe(e -> { }, errors::add);
        vts.advanceTimeBy(Duration.ofSeconds(3));
        w.dispose();
        int gets = api.gets("j");
        vts.advanceTimeBy(Duration.ofMinutes(1));
        assertThat(errors).singleElement().isInstanceOf(IllegalStateException.class);
        assertThat(api.gets("j")).isEqualTo(gets);
        assertThat(w.isDisposed()).isTrue();
    }

    @Test
    void submit_cancelledRightAfterCreated_leavesNoLoopBehind() {
        api.script("job-1", job("job-1", JobStatus.ACTIVE));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(1)));
        StepVerifier.create(w.submit("p").take(1))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.CREATED))
                .expectComplete().verify(TIMEOUT);
        assertThat(w.activeWatches()).isZero();

        Disposable later = w.watch("job-1").subscribe();
        later.dispose();
        vts.advanceTimeBy(Duration.ofMinutes(10));
        assertThat(api.gets("job-1")).as("only the later watch's first poll").isEqualTo(1);
        assertThat(w.activeWatches()).isZero();
    }

    @Test
    void followUp_onAJobAlreadyWatched_takesStaleTerminalStatusesForTheOldOne() {
        api.onMessage(id -> job(id, JobStatus.COMPLETED));
        api.script("j", job("j", JobStatus.ACTIVE), job("j", JobStatus.COMPLETED), job("j", JobStatus.COMPLETED),
                job("j", JobStatus.ACTIVE), job("j", JobStatus.COMPLETED));
        JobWatcher w = watcher(PollPolicy.fixed(Duration.ofSeconds(5)));
        List<JobEvent> watching = new ArrayList<>();
        w.watch("j").subscribe(watching::add);
        vts.advanceTimeBy(Duration.ofSeconds(1));
        List<JobEvent> following = new ArrayList<>();
        w.followUp("j", "and the changelog").subscribe(following::add);
        vts.advanceTimeBy(Duration.ofMinutes(1));

        assertThat(following).extracting(JobEvent::kind, JobEvent::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Kind.STATUS_CHANGED, JobStatus.ACTIVE),
                org.assertj.core.groups.Tuple.tuple(Kind.TERMINAL, JobStatus.COMPLETED));
        assertThat(watching).extracting(JobEvent::status).containsExactly(JobStatus.ACTIVE, JobStatus.COMPLETED);
        assertThat(api.gets("j")).isEqualTo(5);
    }

    @Test
    void aListenerThatThrows_doesNotStopTheWatch() {
        api.script("j", new TransportException("reset", "j", null), job("j", JobStatus.COMPLETED));
        JobWatcher w = JobWatcher.builder(api).policy(PollPolicy.fixed(Duration.ofSeconds(1))).scheduler(vts)
                .listener(new dev.agentjobs.api.AgentJobsListener() {
                    @Override
                    public void pollDeferred(String jobId, Duration delay, Throwable cause) {
                        throw new IllegalStateException("listener bug");
                    }
                }).build();
        StepVerifier.withVirtualTime(() -> w.watch("j"), () -> vts, Long.MAX_VALUE)
                .thenAwait(Duration.ofSeconds(5))
                .assertNext(e -> assertThat(e.kind()).isEqualTo(Kind.TERMINAL))
                .expectComplete().verify(TIMEOUT);
    }

    @Test
    void afterDispose_aNewWatchFailsAtOnceWithoutPolling() {
        JobWatcher w = watcher(PollPolicy.defaults());
        w.dispose();
        StepVerifier.create(w.watch("j")).expectError(IllegalStateException.class).verify(TIMEOUT);
        assertThat(api.totalGets()).isZero();
    }

    @Test
    void aCreatedJobWithoutId_isAnUnknownOutcome() {
        JobsApi noIds = new JobsApi() {
            @Override
            public Mono<Job> create(String prompt) {
                return Mono.just(job(null, JobStatus.ACTIVE));
            }

            @Override
            public Mono<Job> get(String jobId) {
                return Mono.error(new AssertionError("no GET expected"));
            }

            @Override
            public Mono<Job> sendMessage(String jobId, String prompt) {
                return Mono.error(new AssertionError("no message expected"));
            }
        };
        StepVerifier.create(JobWatcher.builder(noIds).scheduler(vts).build().submit("p"))
                .expectError(OutcomeUnknownException.class).verify(TIMEOUT);
    }

    @Test
    void watch_rejectsABlankIdBeforeAnyRequest() {
        JobWatcher w = watcher(PollPolicy.defaults());
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> w.watch(" "));
        assertThat(api.totalGets()).isZero();
    }
}
