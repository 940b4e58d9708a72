package dev.agentjobs.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.ClientClosedException;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.poll.PollPolicy;
import dev.agentjobs.testing.BudgetedJobsApi.Scripted;
import dev.agentjobs.testing.BudgetedJobsApi;
import dev.agentjobs.testing.CountingJobLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.scheduler.VirtualTimeScheduler;

/** The fan-out engine under virtual time, over the in-memory ledger and an in-process API holding a rate limit. */
class FanOutTest {

    private static final String PROJECT = "docs";
    private static final Duration HOUR = Duration.ofHours(1);
    private static final Duration JOB = Duration.ofMinutes(2);

    private final VirtualTimeScheduler vts = VirtualTimeScheduler.create();
    private final JobLedger ledger = JobLedger.inMemory();

    @AfterEach
    void tearDown() {
        vts.dispose();
    }

    private FanOutOptions.Builder options() {
        return FanOutOptions.builder().project(PROJECT).scheduler(vts)
                .pollPolicy(PollPolicy.fixed(Duration.ofSeconds(30)).deadline(null));
    }

    private static List<PromptInput> prompts(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> new PromptInput("p" + i, "Refresh page " + i)).toList();
    }

    /** A run subscribed on the test thread, its results collected as they come. */
    private final class Running {
        final FanOutRun run;
        final List<FanOutResult> results = Collections.synchronizedList(new ArrayList<>());
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile boolean completed;
        final Disposable subscription;

        Running(BudgetedJobsApi api, List<PromptInput> input, FanOutOptions options) {
            run = FanOut.create(api, ledger).start(Flux.fromIterable(input), options);
            subscription = run.results().subscribe(results::add, error::set, () -> completed = true);
        }

        FanOutResult result(String id) {
            return results.stream().filter(r -> r.customId().equals(id)).findFirst().orElseThrow();
        }
    }

    private void advance(Duration d) {
        vts.advanceTimeBy(d);
    }

    private Map<PromptState, Long> counts() {
        return ledger.counts().block(Duration.ofSeconds(5));
    }

    private PromptRecord row(String id) {
        return ledger.get(id).block(Duration.ofSeconds(5));
    }

    @Test
    void fanOut_250PromptsAt100PerHour_pacedWithoutA429_evenWhenRestartedMidHour() {
        // Creates take 20 s each, one at a time: 60 are done after 20 minutes, when the first run is killed.
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 100, HOUR, JOB, Duration.ofSeconds(20));
        FanOutOptions opts = options().createRate(CreateRate.DEFAULT).createsInFlight(1).build();
        Running first = new Running(api, prompts(250), opts);
        advance(Duration.ofMinutes(20).plusSeconds(10));
        first.subscription.dispose();
        advance(Duration.ofSeconds(20));
        assertThat(first.run.whenIdle().block(Duration.ofSeconds(1))).isNull();
        assertThat(api.creates()).isEqualTo(61);
        assertThat(counts()).doesNotContainKey(PromptState.CREATING);

        // Restarted at once: the budget comes back from the ledger's create log, so only 39 more this hour.
        Running second = new Running(api, prompts(250), opts);
        advance(Duration.ofMinutes(39));   // to t = 59m30s
        assertThat(api.creates()).isEqualTo(100);
        advance(Duration.ofHours(3));
        assertThat(second.error.get()).isNull();
        assertThat(second.completed).isTrue();

        assertThat(api.refused()).isZero();
        assertThat(api.creates()).isEqualTo(250);
        assertThat(api.maxCreatesInAnyWindow()).isEqualTo(100);
        assertThat(api.maxCreatesForOnePrompt()).isEqualTo(1);
        assertThat(api.acceptedCreates().stream().filter(t -> t < HOUR.toMillis())).hasSize(100);
        assertThat(counts()).containsExactly(Map.entry(PromptState.COMPLETED, 250L));
        assertThat(first.results.size() + second.results.size()).isEqualTo(250);
    }

    @Test
    void fanOut_withABurstOfCreatesAllowed_sendsTheBudgetAtOnceThenOnlyAsCreatesLeaveTheWindow() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 10, HOUR, JOB, Duration.ZERO);
        Running run = new Running(api, prompts(25), options().createRate(new CreateRate(10, HOUR)).build());
        advance(Duration.ofMinutes(59));
        assertThat(api.creates()).isEqualTo(10);
        FanOutRun.Progress p = run.run.snapshot().block(Duration.ofSeconds(1));
        assertThat(p.pending()).isEqualTo(15);
        assertThat(p.completed()).isEqualTo(10);
        assertThat(p.createsInWindow()).isEqualTo(10);
        // 15 left at 10 an hour: 10 at t = 1h, the last 5 at t = 2h, one hour and one minute from now.
        assertThat(p.createTimeLeft()).isEqualTo(Duration.ofMinutes(61));
        advance(Duration.ofHours(2));
        assertThat(run.completed).isTrue();
        assertThat(api.refused()).isZero();
        assertThat(api.maxCreatesInAnyWindow()).isEqualTo(10);
    }

    @Test
    void fanOut_startOver10000Prompts_readsNoPromptTextButTheOnesItClaims() {
        List<PromptInput> input = prompts(10_000);
        ledger.register(PROJECT, input).block();
        for (int i = 1; i <= 5; i++) {   // jobs of an earlier run, watched again
            ledger.claimForCreate("p" + i, CreateRate.unlimited(), false, Instant.EPOCH).block();
            ledger.markCreated("p" + i, "job_old" + i, Instant.EPOCH).block();
        }
        CountingJobLedger counting = new CountingJobLedger(ledger);
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        FanOutRun run = FanOut.create(api, counting).start(Flux.fromIterable(input),
                options().createRate(new CreateRate(10, HOUR)).build());
        Disposable subscription = run.results().subscribe();
        advance(Duration.ofMinutes(1));

        // The five earlier creates count in this hour's budget of ten.
        assertThat(api.creates()).isEqualTo(5);
        assertThat(counting.promptsClaimed()).isEqualTo(5);
        assertThat(counting.promptsRead()).as("prompt texts read besides the claims").isZero();
        subscription.dispose();
    }

    @Test
    void fanOut_restart_keepsTheRules() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        Instant t0 = Instant.EPOCH;
        ledger.register(PROJECT, prompts(5)).block();
        // p1 stays PENDING. p2 was created (its job exists). p3 completed. p4 was on the wire at a crash.
        // p5 was in doubt already.
        String job2 = api.create("Refresh page 2").block().id();
        ledger.claimForCreate("p2", CreateRate.unlimited(), false, t0).block();
        ledger.markCreated("p2", job2, t0).block();
        ledger.claimForCreate("p3", CreateRate.unlimited(), false, t0).block();
        ledger.markCreated("p3", "job_old", t0).block();
        ledger.markFinished("p3", PromptState.COMPLETED, "https://pr/3", null, t0).block();
        Instant crashAt = Instant.ofEpochSecond(5);
        ledger.claimForCreate("p4", CreateRate.unlimited(), false, crashAt).block();
        ledger.claimForCreate("p5", CreateRate.unlimited(), false, t0).block();
        ledger.markInDoubt("p5", "outcome_unknown: connection reset", t0).block();

        Running run = new Running(api, prompts(5), options().createRate(CreateRate.unlimited()).build());
        advance(Duration.ofMinutes(10));

        assertThat(run.completed).isTrue();
        assertThat(api.creates()).as("only the PENDING prompt is posted").isEqualTo(2);
        assertThat(run.results).extracting(FanOutResult::customId).containsExactlyInAnyOrder("p1", "p2", "p4");
        assertThat(run.result("p2").jobId()).isEqualTo(job2);
        assertThat(run.result("p2").state()).isEqualTo(PromptState.COMPLETED);
        FanOutResult p4 = run.result("p4");
        assertThat(p4.state()).isEqualTo(PromptState.IN_DOUBT);
        assertThat(p4.errorKind()).isEqualTo(FanOutResult.ErrorKind.INTERRUPTED);
        assertThat(p4.attemptedAt()).isEqualTo(crashAt);
        assertThat(row("p3").prLink()).isEqualTo("https://pr/3");
        assertThat(row("p5").state()).isEqualTo(PromptState.IN_DOUBT);
        assertThat(FanOut.create(api, ledger).recorded().map(FanOutResult::customId).collectList().block())
                .containsExactly("p1", "p2", "p3", "p4", "p5");
    }

    @Test
    void fanOut_retryInDoubt_postsTheInDoubtPromptsAgain() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        ledger.register(PROJECT, prompts(3)).block();
        ledger.claimForCreate("p2", CreateRate.unlimited(), false, Instant.EPOCH).block();
        ledger.claimForCreate("p3", CreateRate.unlimited(), false, Instant.EPOCH).block();
        ledger.markInDoubt("p3", "outcome_unknown: reset", Instant.EPOCH).block();

        Running run = new Running(api, prompts(3), options().createRate(CreateRate.unlimited())
                .retryInDoubt(true).build());
        advance(Duration.ofMinutes(10));

        assertThat(run.completed).isTrue();
        assertThat(api.creates()).isEqualTo(3);
        assertThat(run.results).hasSize(3).allMatch(r -> r.state() == PromptState.COMPLETED);
        assertThat(row("p3").attempts()).isEqualTo(2);
    }

    @Test
    void fanOut_429_releasesTheClaimAndWaitsRetryAfterBeforeTryingAgain() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        api.failNextCreates(new Scripted(new RateLimitedException("create: HTTP 429", null, "slow down", Duration.ofMinutes(5)), false));
        Running run = new Running(api, prompts(2), options().createRate(CreateRate.unlimited())
                .createsInFlight(1).build());
        advance(Duration.ofMinutes(4));
        assertThat(api.creates()).isZero();
        assertThat(row("p1").state()).isEqualTo(PromptState.PENDING);
        assertThat(row("p1").lastError()).contains("429");
        assertThat(ledger.createsSince(PROJECT, Instant.EPOCH).block()).as("the refused claim is not counted")
                .isEmpty();
        advance(Duration.ofMinutes(1));
        assertThat(api.acceptedCreates()).containsExactly(Duration.ofMinutes(5).toMillis(),
                Duration.ofMinutes(5).toMillis());
        advance(Duration.ofMinutes(5));
        assertThat(run.completed).isTrue();
        assertThat(run.results).hasSize(2).allMatch(r -> r.state() == PromptState.COMPLETED);
    }

    @Test
    void fanOut_429WithAYearLongRetryAfter_waitsOnlyTheMaximumAndProgressShowsUntilWhen() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        api.failNextCreates(new Scripted(new RateLimitedException("create: HTTP 429", null, "slow down", Duration.ofDays(365)), false));
        Running run = new Running(api, prompts(1), options().createRate(CreateRate.unlimited())
                .refusalBackoff(Duration.ofSeconds(30), Duration.ofMinutes(10)).build());
        advance(Duration.ofMinutes(5));
        assertThat(api.creates()).isZero();
        assertThat(run.run.snapshot().block(Duration.ofSeconds(1)).createsPausedUntil())
                .isEqualTo(Instant.EPOCH.plus(Duration.ofMinutes(10)));
        advance(Duration.ofMinutes(5));
        assertThat(api.acceptedCreates()).containsExactly(Duration.ofMinutes(10).toMillis());
        assertThat(run.run.snapshot().block(Duration.ofSeconds(1)).createsPausedUntil()).isNull();
        advance(Duration.ofMinutes(5));
        assertThat(run.completed).isTrue();
    }

    @Test
    void fanOut_429WithoutRetryAfter_backsOffDoublingPerRefusalInARow() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        RateLimitedException refused = new RateLimitedException("create: HTTP 429", null, null, null);
        api.failNextCreates(new Scripted(refused, false), new Scripted(refused, false));
        Running run = new Running(api, prompts(1), options().createRate(CreateRate.unlimited())
                .refusalBackoff(Duration.ofSeconds(30), Duration.ofMinutes(10)).build());
        advance(Duration.ofSeconds(89));
        assertThat(api.creates()).isZero();
        advance(Duration.ofSeconds(1));   // 30 s, then 60 s
        assertThat(api.acceptedCreates()).containsExactly(Duration.ofSeconds(90).toMillis());
        advance(Duration.ofMinutes(5));
        assertThat(run.completed).isTrue();
    }

    @Test
    void fanOut_createFailures_endAsRejectedOrInDoubtWithoutASecondPost() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        api.failNextCreates(
                new Scripted(new InvalidRequestException("create: HTTP 400: prompt too long", null, "prompt too long"), false),
                new Scripted(new OutcomeUnknownException("create: connection closed after the request was sent", null, null), true));
        Running run = new Running(api, prompts(3), options().createRate(CreateRate.unlimited())
                .createsInFlight(1).build());
        advance(Duration.ofMinutes(10));

        assertThat(run.completed).isTrue();
        assertThat(run.result("p1").state()).isEqualTo(PromptState.REJECTED);
        assertThat(run.result("p1").errorKind()).isEqualTo(FanOutResult.ErrorKind.INVALID_REQUEST);
        assertThat(run.result("p1").message()).contains("prompt too long");
        assertThat(run.result("p2").state()).isEqualTo(PromptState.IN_DOUBT);
        assertThat(run.result("p2").jobId()).isNull();
        assertThat(run.result("p3").state()).isEqualTo(PromptState.COMPLETED);
        assertThat(api.maxCreatesForOnePrompt()).isEqualTo(1);
        assertThat(counts()).containsOnly(Map.entry(PromptState.REJECTED, 1L), Map.entry(PromptState.IN_DOUBT, 1L),
                Map.entry(PromptState.COMPLETED, 1L));
    }

    @Test
    void fanOut_unauthorized_stopsCreatingAndLeavesThePromptsPending() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        api.failNextCreates(new Scripted(new AccessDeniedException("create: HTTP 401: invalid key", null, 401, "invalid key"), false));
        Running run = new Running(api, prompts(5), options().createRate(CreateRate.unlimited())
                .createsInFlight(1).build());
        advance(Duration.ofMinutes(10));

        assertThat(run.error.get()).isInstanceOf(AccessDeniedException.class);
        assertThat(api.creates()).isZero();
        assertThat(counts()).containsExactly(Map.entry(PromptState.PENDING, 5L));
        assertThat(row("p1").lastError()).contains("401");
    }

    @Test
    void fanOut_clientClosedBeforeSending_releasesTheClaimInsteadOfInDoubt() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        api.failNextCreates(new Scripted(new ClientClosedException("agentjobs client is closed: create not sent"),
                false));
        Running run = new Running(api, prompts(3), options().createRate(CreateRate.unlimited())
                .createsInFlight(1).build());
        advance(Duration.ofMinutes(1));

        assertThat(run.error.get()).isInstanceOf(ClientClosedException.class);
        assertThat(api.creates()).isZero();
        assertThat(counts()).containsExactly(Map.entry(PromptState.PENDING, 3L));
        assertThat(ledger.createsSince(PROJECT, Instant.EPOCH).block()).isEmpty();
    }

    @Test
    void fanOut_maxActive_neverHasMoreJobsRunningThanAllowed() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        Running run = new Running(api, prompts(10), options().createRate(CreateRate.unlimited()).maxActive(3)
                .build());
        advance(Duration.ofMinutes(30));

        assertThat(run.completed).isTrue();
        assertThat(run.results).hasSize(10);
        List<Long> starts = api.acceptedCreates();
        for (long t : starts) {
            long running = starts.stream().filter(s -> s <= t && t < s + JOB.toMillis()).count();
            assertThat(running).as("jobs running at %d ms", t).isLessThanOrEqualTo(3);
        }
        assertThat(starts.subList(0, 3)).containsOnly(0L);
        assertThat(starts.get(3)).isGreaterThanOrEqualTo(JOB.toMillis());
    }

    @Test
    void fanOut_cancelled_keepsTheLedgerStateAndARestartFinishesWithoutDuplicates() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ofSeconds(10));
        FanOutOptions opts = options().createRate(CreateRate.unlimited()).createsInFlight(2).build();
        Running first = new Running(api, prompts(20), opts);
        advance(Duration.ofSeconds(35));
        first.subscription.dispose();
        int sentBeforeCancel = api.creates();
        advance(Duration.ofSeconds(10));
        assertThat(first.run.whenIdle().block(Duration.ofSeconds(1))).isNull();
        assertThat(api.creates()).as("the two creates on the wire finish; nothing new leaves")
                .isEqualTo(sentBeforeCancel + 2);
        advance(Duration.ofMinutes(5));
        assertThat(api.creates()).isEqualTo(sentBeforeCancel + 2);
        Map<PromptState, Long> afterCancel = counts();
        assertThat(afterCancel).containsOnlyKeys(PromptState.PENDING, PromptState.CREATED);
        assertThat(afterCancel.get(PromptState.CREATED)).isEqualTo(api.creates());

        Running second = new Running(api, prompts(20), opts);
        advance(Duration.ofMinutes(10));
        assertThat(second.completed).isTrue();
        assertThat(api.creates()).isEqualTo(20);
        assertThat(api.maxCreatesForOnePrompt()).isEqualTo(1);
        assertThat(second.results).hasSize(20);
        assertThat(counts()).containsExactly(Map.entry(PromptState.COMPLETED, 20L));
    }

    @Test
    void fanOut_watchPastItsDeadline_endsAsErrorWithTheReason() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, Duration.ofHours(5), Duration.ZERO);
        Running run = new Running(api, prompts(1), options().createRate(CreateRate.unlimited())
                .pollPolicy(PollPolicy.fixed(Duration.ofSeconds(30)).deadline(Duration.ofMinutes(10))).build());
        advance(Duration.ofMinutes(11));
        assertThat(run.completed).isTrue();
        FanOutResult r = run.result("p1");
        assertThat(r.state()).isEqualTo(PromptState.ERROR);
        assertThat(r.errorKind()).isEqualTo(FanOutResult.ErrorKind.DEADLINE_EXCEEDED);
        assertThat(r.jobId()).isEqualTo("job_1");
        assertThat(row("p1").lastError()).startsWith("deadline_exceeded: ");
    }

    @Test
    void progress_countsEachStateAndEndsWithTheRun() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        FanOutRun run = FanOut.create(api, ledger).start(Flux.fromIterable(prompts(4)),
                options().createRate(CreateRate.unlimited()).build());
        List<FanOutRun.Progress> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Boolean> ended = new AtomicReference<>(false);
        run.progress(Duration.ofMinutes(1)).subscribe(seen::add, e -> { }, () -> ended.set(true));
        run.results().subscribe();
        advance(Duration.ofSeconds(30));
        FanOutRun.Progress mid = run.snapshot().block(Duration.ofSeconds(1));
        assertThat(mid.active()).isEqualTo(4);
        assertThat(mid.total()).isEqualTo(4);
        advance(Duration.ofMinutes(5));
        assertThat(ended.get()).isTrue();
        FanOutRun.Progress last = seen.get(seen.size() - 1);
        assertThat(last.completed()).isEqualTo(4);
        assertThat(last.done()).isEqualTo(4);
        assertThat(seen).allMatch(p -> p.total() == 4, "counts only once the input is registered");
    }

    @Test
    void results_subscribedTwice_theSecondFails() {
        BudgetedJobsApi api = new BudgetedJobsApi(vts, 0, HOUR, JOB, Duration.ZERO);
        FanOutRun run = FanOut.create(api, ledger).start(Flux.fromIterable(prompts(1)), options().build());
        run.results().subscribe();
        AtomicReference<Throwable> error = new AtomicReference<>();
        run.results().subscribe(r -> { }, error::set);
        assertThat(error.get()).isInstanceOf(IllegalStateException.class);
    }
}
