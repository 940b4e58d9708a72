package dev.agentjobs.fanout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentjobs.fanout.JobLedger.ClaimResult;
import dev.agentjobs.fanout.JobLedger.ClaimResult.Outcome;
import dev.agentjobs.fanout.LedgerException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The {@link JobLedger} contract, run against every implementation by a small subclass: both ledgers must
 * answer every call the same way, so the in-memory baseline measures what the SQLite ledger does.
 */
abstract class JobLedgerContractTest {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final String PROJECT = "docs";

    JobLedger ledger;

    /** A fresh, empty ledger whose registration clock stands at {@code clock}. */
    abstract JobLedger newLedger(Clock clock) throws Exception;

    @BeforeEach
    void openLedger() throws Exception {
        ledger = newLedger(Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
    }

    static <T> T await(Mono<T> mono) {
        return mono.block(TIMEOUT);
    }

    static List<PromptInput> prompts(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> new PromptInput("p" + i, "prompt " + i)).toList();
    }

    PromptRecord row(String customId) {
        return await(ledger.get(customId));
    }

    void claim(String customId, Instant now) {
        ClaimResult claim = await(ledger.claimForCreate(customId, CreateRate.unlimited(), false, now));
        assertThat(claim.outcome()).isEqualTo(Outcome.CLAIMED);
        assertThat(claim.claimed()).isEqualTo(row(customId));
    }

    @Test
    void register_addsPendingPromptsAndIsIdempotent() {
        assertThat(await(ledger.register(PROJECT, prompts(0, 3)))).isEqualTo(3);
        assertThat(await(ledger.register(PROJECT, prompts(0, 5)))).isEqualTo(2);

        PromptRecord p0 = row("p0");
        assertThat(p0).isEqualTo(new PromptRecord("p0", PROJECT, "prompt 0", PromptState.PENDING, null, null, null,
                0, null, T0));
        assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.PENDING, 5L));
        assertThat(await(ledger.get("absent"))).isNull();
    }

    @Test
    void register_sameKeyTwiceInOneBatch_countsOnce() {
        List<PromptInput> batch = List.of(new PromptInput("a", "x"), new PromptInput("a", "x"));
        assertThat(await(ledger.register(PROJECT, batch))).isEqualTo(1);
    }

    @Test
    void register_changedPrompt_isRefusedAndWritesNothingOfTheBatch() {
        await(ledger.register(PROJECT, prompts(0, 2)));
        List<PromptInput> changed = List.of(new PromptInput("new-1", "n"), new PromptInput("p1", "another text"),
                new PromptInput("new-2", "n"));

        assertThatThrownBy(() -> await(ledger.register(PROJECT, changed)))
                .isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INPUT_CHANGED);
                    assertThat(e.getMessage()).contains("'p1'");
                });
        assertThat(await(ledger.get("new-1"))).isNull();
        assertThat(await(ledger.get("new-2"))).isNull();
        assertThat(row("p1").prompt()).isEqualTo("prompt 1");
    }

    @Test
    void register_changedProject_isRefused() {
        await(ledger.register(PROJECT, prompts(0, 1)));

        assertThatThrownBy(() -> await(ledger.register("other", prompts(0, 1))))
                .isInstanceOfSatisfying(LedgerException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.INPUT_CHANGED);
                    assertThat(e.getMessage()).contains("'p0'").contains("other");
                });
    }

    @Test
    void register_conflictWithinOneBatch_isRefused() {
        List<PromptInput> batch = List.of(new PromptInput("a", "x"), new PromptInput("a", "y"));

        assertThatThrownBy(() -> await(ledger.register(PROJECT, batch)))
                .isInstanceOfSatisfying(LedgerException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.INPUT_CHANGED));
        assertThat(await(ledger.counts())).isEmpty();
    }

    @Test
    void find_returnsRegistrationOrder_filteredByState() {
        List<PromptInput> batch = List.of(new PromptInput("z", "1"), new PromptInput("a", "2"),
                new PromptInput("m", "3"));
        await(ledger.register(PROJECT, batch));
        await(ledger.register(PROJECT, List.of(new PromptInput("b", "4"))));
        claim("a", T0);

        assertThat(ledger.find(Set.of()).map(PromptRecord::customId).collectList().block(TIMEOUT))
                .containsExactly("z", "a", "m", "b");
        assertThat(ledger.find(Set.of(PromptState.PENDING)).map(PromptRecord::customId).collectList().block(TIMEOUT))
                .containsExactly("z", "m", "b");
        assertThat(ledger.find(Set.of(PromptState.CREATING)).map(PromptRecord::customId).collectList()
                .block(TIMEOUT)).containsExactly("a");
    }

    @Test
    void summariesAndFind_readEveryRowAcrossPages_inRegistrationOrder_summariesWithoutTexts() {
        int n = 1300;   // more than two pages of summaries, twenty of records
        await(ledger.register(PROJECT, prompts(0, n)));
        claim("p7", T0);
        await(ledger.markCreated("p7", "job-7", T0));

        List<PromptSummary> all = ledger.summaries(Set.of()).collectList().block(TIMEOUT);
        assertThat(all).extracting(PromptSummary::customId)
                .containsExactlyElementsOf(IntStream.range(0, n).mapToObj(i -> "p" + i).toList());
        assertThat(all.get(7)).isEqualTo(row("p7").summary());
        assertThat(ledger.summaries(Set.of(PromptState.CREATED)).map(PromptSummary::jobId).collectList()
                .block(TIMEOUT)).containsExactly("job-7");
        assertThat(ledger.summaries(Set.of(PromptState.PENDING)).count().block(TIMEOUT)).isEqualTo(n - 1);
        assertThat(ledger.find(Set.of(PromptState.PENDING)).map(PromptRecord::customId).collectList()
                .block(TIMEOUT)).hasSize(n - 1).doesNotContain("p7").startsWith("p0", "p1").endsWith("p" + (n - 1));
    }

    @Test
    void markCreated_movesTheClaimsCreateLogEntryToTheAcceptanceTime() {
        // The client's own retries sent the create ten minutes after the claim: the server counts it from then.
        CreateRate rate = new CreateRate(1, Duration.ofHours(1));
        await(ledger.register(PROJECT, prompts(0, 2)));
        assertThat(await(ledger.claimForCreate("p0", rate, false, T0)).outcome()).isEqualTo(Outcome.CLAIMED);
        Instant accepted = T0.plus(Duration.ofMinutes(10));
        await(ledger.markCreated("p0", "job-0", accepted));

        assertThat(await(ledger.createsSince(PROJECT, T0))).containsExactly(accepted);
        ClaimResult early = await(ledger.claimForCreate("p1", rate, false, T0.plus(Duration.ofHours(1))));
        assertThat(early.outcome()).isEqualTo(Outcome.OVER_BUDGET);
        assertThat(early.notBefore()).isEqualTo(accepted.plus(Duration.ofHours(1)));
        assertThat(await(ledger.claimForCreate("p1", rate, false, early.notBefore())).outcome())
                .isEqualTo(Outcome.CLAIMED);
    }

    @Test
    void claim_thenCreated_thenFinished_recordsEachStep() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        Instant t1 = T0.plusSeconds(1);
        claim("p0", t1);
        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::attempts, PromptRecord::attemptedAt)
                .containsExactly(PromptState.CREATING, 1, t1);

        await(ledger.markCreated("p0", "job-1", t1.plusSeconds(1)));
        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::jobId, PromptRecord::updatedAt)
                .containsExactly(PromptState.CREATED, "job-1", t1.plusSeconds(1));

        await(ledger.markFinished("p0", PromptState.COMPLETED, "https://git.example/pr/1", null, t1.plusSeconds(9)));
        assertThat(row("p0")).isEqualTo(new PromptRecord("p0", PROJECT, "prompt 0", PromptState.COMPLETED, "job-1",
                "https://git.example/pr/1", null, 1, t1, t1.plusSeconds(9)));
    }

    @Test
    void claim_takesAPromptOnce() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        claim("p0", T0);

        assertThat(await(ledger.claimForCreate("p0", CreateRate.DEFAULT, false, T0)))
                .isEqualTo(ClaimResult.NOT_CLAIMABLE);
        assertThat(row("p0").attempts()).isEqualTo(1);
    }

    @Test
    void claim_returnsTheRowItLeft_withThePromptToSend() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        claim("p0", T0);
        await(ledger.markInDoubt("p0", "timed out", T0.plusSeconds(1)));

        ClaimResult again = await(ledger.claimForCreate("p0", CreateRate.unlimited(), true, T0.plusSeconds(2)));

        assertThat(again.claimed()).isEqualTo(new PromptRecord("p0", PROJECT, "prompt 0", PromptState.CREATING,
                null, null, "timed out", 2, T0.plusSeconds(2), T0.plusSeconds(2)));
        assertThat(again.claimed()).isEqualTo(row("p0"));
        assertThat(await(ledger.claimForCreate("p0", CreateRate.unlimited(), true, T0.plusSeconds(3))).claimed())
                .isNull();
    }

    @Test
    void claim_ofInDoubtPrompt_onlyWhenAsked() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        claim("p0", T0);
        await(ledger.markInDoubt("p0", "connection reset after the request was sent", T0.plusSeconds(1)));

        assertThat(await(ledger.claimForCreate("p0", CreateRate.unlimited(), false, T0.plusSeconds(2))))
                .isEqualTo(ClaimResult.NOT_CLAIMABLE);
        assertThat(await(ledger.claimForCreate("p0", CreateRate.unlimited(), true, T0.plusSeconds(3))).outcome())
                .isEqualTo(Outcome.CLAIMED);
        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::attempts, PromptRecord::attemptedAt)
                .containsExactly(PromptState.CREATING, 2, T0.plusSeconds(3));
    }

    @Test
    void release_returnsToPendingWithTheReason() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        claim("p0", T0);
        await(ledger.releaseClaim("p0", "429, retry after 30 s", T0.plusSeconds(1)));

        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::lastError, PromptRecord::attempts)
                .containsExactly(PromptState.PENDING, "429, retry after 30 s", 1);
        claim("p0", T0.plusSeconds(31));
        await(ledger.markCreated("p0", "job-9", T0.plusSeconds(32)));
        assertThat(row("p0").lastError()).isNull();
    }

    @Test
    void rejectedAndError_comeFromCreating_withTheReason() {
        await(ledger.register(PROJECT, prompts(0, 3)));
        claim("p0", T0);
        claim("p1", T0);
        await(ledger.markFinished("p0", PromptState.REJECTED, null, "400: prompt too long", T0));
        await(ledger.markFinished("p1", PromptState.ERROR, null, "401: key refused", T0));

        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::lastError)
                .containsExactly(PromptState.REJECTED, "400: prompt too long");
        assertThat(row("p1")).extracting(PromptRecord::state, PromptRecord::lastError)
                .containsExactly(PromptState.ERROR, "401: key refused");
        assertThat(await(ledger.counts()))
                .isEqualTo(Map.of(PromptState.REJECTED, 1L, PromptState.ERROR, 1L, PromptState.PENDING, 1L));
    }

    @Test
    void illegalTransitions_areRefusedAndChangeNothing() {
        await(ledger.register(PROJECT, prompts(0, 2)));
        claim("p1", T0);
        await(ledger.markCreated("p1", "job-1", T0));

        assertIllegal(ledger.markCreated("p0", "job-0", T0));
        assertIllegal(ledger.markInDoubt("p0", "?", T0));
        assertIllegal(ledger.releaseClaim("p0", "?", T0));
        assertIllegal(ledger.markFinished("p0", PromptState.COMPLETED, null, null, T0));
        assertIllegal(ledger.markFinished("p0", PromptState.ERROR, null, "deadline", T0));
        assertIllegal(ledger.markCreated("p1", "job-2", T0));
        assertIllegal(ledger.markFinished("p1", PromptState.REJECTED, null, "400", T0));
        assertIllegal(ledger.markCreated("absent", "job-3", T0));

        assertThat(row("p0").state()).isEqualTo(PromptState.PENDING);
        assertThat(row("p1")).extracting(PromptRecord::state, PromptRecord::jobId)
                .containsExactly(PromptState.CREATED, "job-1");
        assertThatThrownBy(() -> ledger.markFinished("p1", PromptState.CREATED, null, null, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void terminalStates_neverChange() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        claim("p0", T0);
        await(ledger.markCreated("p0", "job-1", T0));
        await(ledger.markFinished("p0", PromptState.FAILED, null, null, T0));

        for (PromptState terminal : EnumSet.of(PromptState.COMPLETED, PromptState.FAILED, PromptState.ARCHIVED,
                PromptState.REJECTED, PromptState.ERROR)) {
            assertIllegal(ledger.markFinished("p0", terminal, null, null, T0.plusSeconds(1)));
        }
        assertIllegal(ledger.markInDoubt("p0", "?", T0));
        assertIllegal(ledger.releaseClaim("p0", "?", T0));
        assertThat(await(ledger.claimForCreate("p0", CreateRate.unlimited(), true, T0)))
                .isEqualTo(ClaimResult.NOT_CLAIMABLE);
        assertThat(await(ledger.recoverInterrupted("crash", T0))).isEmpty();
        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::updatedAt)
                .containsExactly(PromptState.FAILED, T0);
    }

    @Test
    void recordExisting_writesACreatedRowById_withoutClaimOrCreateLogEntry() {
        CreateRate rate = new CreateRate(1, Duration.ofHours(1));
        await(ledger.register(PROJECT, prompts(0, 1)));
        Instant t1 = T0.plusSeconds(5);

        assertThat(await(ledger.recordExisting(PROJECT, "watched-1", "job-1", t1))).isTrue();

        PromptRecord watched = row("watched-1");
        assertThat(watched).isEqualTo(new PromptRecord("watched-1", PROJECT, "", PromptState.CREATED, "job-1", null,
                null, 0, null, t1));
        assertThat(watched.recordedById()).isTrue();
        assertThat(row("p0").recordedById()).isFalse();
        assertThat(await(ledger.createsSince(PROJECT, T0))).isEmpty();
        // The budget of one create an hour is untouched: the fan-out's own prompt still gets it.
        assertThat(await(ledger.claimForCreate("p0", rate, false, t1)).outcome()).isEqualTo(Outcome.CLAIMED);
        assertThat(await(ledger.claimForCreate("watched-1", CreateRate.unlimited(), true, t1)))
                .isEqualTo(ClaimResult.NOT_CLAIMABLE);
        assertThat(ledger.find(Set.of(PromptState.CREATED)).map(PromptRecord::customId).collectList().block(TIMEOUT))
                .containsExactly("watched-1");
        assertThat(ledger.find(Set.of()).map(PromptRecord::customId).collectList().block(TIMEOUT))
                .containsExactly("p0", "watched-1");
    }

    @Test
    void findByJobId_givesEveryRowHoldingTheJob_inRegistrationOrder_andNothingForAnUnknownJob() {
        await(ledger.register(PROJECT, prompts(0, 3)));
        await(ledger.claimForCreate("p1", CreateRate.unlimited(), false, T0));
        await(ledger.markCreated("p1", "job-1", T0));
        await(ledger.claimForCreate("p2", CreateRate.unlimited(), false, T0));
        await(ledger.markCreated("p2", "job-2", T0));
        await(ledger.recordExisting("other", "watched-job-1", "job-1", T0.plusSeconds(1)));

        assertThat(ledger.findByJobId("job-1").collectList().block(TIMEOUT))
                .extracting(PromptRecord::customId, PromptRecord::project, PromptRecord::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("p1", PROJECT, PromptState.CREATED),
                        org.assertj.core.groups.Tuple.tuple("watched-job-1", "other", PromptState.CREATED));
        assertThat(ledger.findByJobId("job-2").map(PromptRecord::customId).collectList().block(TIMEOUT))
                .containsExactly("p2");
        assertThat(ledger.findByJobId("job-unknown").collectList().block(TIMEOUT)).isEmpty();
        // A row still without a job (p0, PENDING) is never found, whatever the id asked for.
        assertThat(ledger.findByJobId("").collectList().block(TIMEOUT)).isEmpty();
    }

    @Test
    void recordExisting_sameKeyAndJob_isIdempotentWhateverTheRowsState() {
        assertThat(await(ledger.recordExisting(PROJECT, "w", "job-1", T0))).isTrue();
        assertThat(await(ledger.recordExisting(PROJECT, "w", "job-1", T0.plusSeconds(1)))).isFalse();
        await(ledger.markFinished("w", PromptState.COMPLETED, "https://git.example/pr/1", null, T0.plusSeconds(2)));

        assertThat(await(ledger.recordExisting(PROJECT, "w", "job-1", T0.plusSeconds(3)))).isFalse();
        assertThat(row("w")).extracting(PromptRecord::state, PromptRecord::prLink, PromptRecord::updatedAt)
                .containsExactly(PromptState.COMPLETED, "https://git.example/pr/1", T0.plusSeconds(2));
        assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.COMPLETED, 1L));
    }

    @Test
    void recordExisting_sameKeyWithAnotherJobOrProject_orARegisteredPrompt_isRefused() {
        await(ledger.recordExisting(PROJECT, "w", "job-1", T0));
        await(ledger.register(PROJECT, prompts(0, 1)));

        assertInputChanged(ledger.recordExisting(PROJECT, "w", "job-2", T0), "'w'", "job-2");
        assertInputChanged(ledger.recordExisting("other", "w", "job-1", T0), "'w'", "other");
        assertInputChanged(ledger.recordExisting(PROJECT, "p0", "job-3", T0), "'p0'", "job-3");
        assertThat(row("w")).extracting(PromptRecord::jobId, PromptRecord::project)
                .containsExactly("job-1", PROJECT);
        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::jobId)
                .containsExactly(PromptState.PENDING, null);
    }

    @Test
    void register_ofAKeyRecordedById_isRefused() {
        await(ledger.recordExisting(PROJECT, "w", "job-1", T0));

        assertInputChanged(ledger.register(PROJECT, List.of(new PromptInput("w", "a prompt"))), "'w'", "prompt");
        assertThat(row("w").recordedById()).isTrue();
    }

    @Test
    void reopen_bringsAFinishedJobBackToCreated_keepingItsAttemptsAndTheCreateLog() {
        await(ledger.register(PROJECT, prompts(0, 3)));
        Instant t1 = T0.plusSeconds(1);
        for (int i = 0; i < 3; i++) {
            claim("p" + i, t1);
            await(ledger.markCreated("p" + i, "job-" + i, t1));
        }
        await(ledger.markFinished("p0", PromptState.COMPLETED, "https://git.example/pr/0", null, t1));
        await(ledger.markFinished("p1", PromptState.FAILED, null, null, t1));
        await(ledger.markFinished("p2", PromptState.ARCHIVED, null, null, t1));
        Instant t2 = T0.plusSeconds(60);

        for (int i = 0; i < 3; i++) {
            await(ledger.reopen("p" + i, t2));
        }

        assertThat(row("p0")).isEqualTo(new PromptRecord("p0", PROJECT, "prompt 0", PromptState.CREATED, "job-0", null,
                null, 1, t1, t2));
        assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.CREATED, 3L));
        assertThat(await(ledger.createsSince(PROJECT, T0))).containsExactly(t1, t1, t1);
        await(ledger.markFinished("p0", PromptState.COMPLETED, "https://git.example/pr/0b", null, t2.plusSeconds(1)));
        assertThat(row("p0")).extracting(PromptRecord::state, PromptRecord::prLink)
                .containsExactly(PromptState.COMPLETED, "https://git.example/pr/0b");
    }

    @Test
    void reopen_ofAJobRecordedById_watchesItAgain() {
        await(ledger.recordExisting(PROJECT, "w", "job-1", T0));
        await(ledger.markFinished("w", PromptState.COMPLETED, null, null, T0.plusSeconds(1)));

        await(ledger.reopen("w", T0.plusSeconds(2)));

        assertThat(row("w")).isEqualTo(new PromptRecord("w", PROJECT, "", PromptState.CREATED, "job-1", null, null,
                0, null, T0.plusSeconds(2)));
        assertThat(await(ledger.createsSince(PROJECT, T0))).isEmpty();
    }

    @Test
    void reopen_fromAnyStateButCompletedFailedArchived_isRefusedAndChangesNothing() {
        await(ledger.register(PROJECT, prompts(0, 6)));
        claim("p1", T0);
        claim("p2", T0);
        await(ledger.markCreated("p2", "job-2", T0));
        claim("p3", T0);
        await(ledger.markInDoubt("p3", "reset", T0));
        claim("p4", T0);
        await(ledger.markFinished("p4", PromptState.REJECTED, null, "400", T0));
        claim("p5", T0);
        await(ledger.markCreated("p5", "job-5", T0));
        await(ledger.markFinished("p5", PromptState.ERROR, null, "deadline", T0));
        Map<PromptState, Long> before = await(ledger.counts());

        for (int i = 0; i < 6; i++) {
            assertIllegal(ledger.reopen("p" + i, T0.plusSeconds(1)));
        }
        assertIllegal(ledger.reopen("absent", T0.plusSeconds(1)));

        assertThat(await(ledger.counts())).isEqualTo(before).containsEntry(PromptState.PENDING, 1L)
                .containsEntry(PromptState.ERROR, 1L);
        assertThat(ledger.find(Set.of()).map(PromptRecord::updatedAt).collectList().block(TIMEOUT))
                .containsOnly(T0);
    }

    @Test
    void recoverInterrupted_turnsCreatingIntoInDoubt_keepingTheAttemptTime() {
        await(ledger.register(PROJECT, prompts(0, 3)));
        claim("p0", T0.plusSeconds(1));
        claim("p2", T0.plusSeconds(2));
        Instant restart = T0.plusSeconds(60);

        List<PromptRecord> recovered = await(ledger.recoverInterrupted("interrupted during the create", restart));

        assertThat(recovered).extracting(PromptRecord::customId, PromptRecord::state, PromptRecord::attemptedAt,
                        PromptRecord::lastError, PromptRecord::updatedAt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("p0", PromptState.IN_DOUBT, T0.plusSeconds(1),
                                "interrupted during the create", restart),
                        org.assertj.core.groups.Tuple.tuple("p2", PromptState.IN_DOUBT, T0.plusSeconds(2),
                                "interrupted during the create", restart));
        assertThat(row("p2")).isEqualTo(recovered.get(1));
        assertThat(row("p1").state()).isEqualTo(PromptState.PENDING);
        assertThat(await(ledger.recoverInterrupted("again", restart))).isEmpty();
    }

    @Test
    void budget_refusesTheClaimPastTheRate_untilTheOldestCreateLeavesTheWindow() {
        CreateRate rate = new CreateRate(100, Duration.ofHours(1));
        await(ledger.register(PROJECT, prompts(0, 102)));
        for (int i = 0; i < 100; i++) {
            assertThat(await(ledger.claimForCreate("p" + i, rate, false, T0.plusSeconds(10 + i))).outcome())
                    .isEqualTo(Outcome.CLAIMED);
        }
        Instant later = T0.plusSeconds(1800);

        assertThat(await(ledger.claimForCreate("p100", rate, false, later)))
                .isEqualTo(ClaimResult.overBudget(T0.plusSeconds(10).plus(Duration.ofHours(1))));
        assertThat(row("p100")).extracting(PromptRecord::state, PromptRecord::attempts)
                .containsExactly(PromptState.PENDING, 0);
        assertThat(await(ledger.createsSince(PROJECT, T0))).hasSize(100);

        Instant justBefore = T0.plusSeconds(10).plus(Duration.ofHours(1)).minusMillis(1);
        assertThat(await(ledger.claimForCreate("p100", rate, false, justBefore)).outcome())
                .isEqualTo(Outcome.OVER_BUDGET);
        Instant freed = T0.plusSeconds(10).plus(Duration.ofHours(1));
        assertThat(await(ledger.claimForCreate("p100", rate, false, freed)).outcome()).isEqualTo(Outcome.CLAIMED);
        assertThat(await(ledger.claimForCreate("p101", rate, false, freed)))
                .isEqualTo(ClaimResult.overBudget(T0.plusSeconds(11).plus(Duration.ofHours(1))));
    }

    @Test
    void budget_isPerProject() {
        CreateRate rate = new CreateRate(1, Duration.ofHours(1));
        await(ledger.register("a", List.of(new PromptInput("a1", "x"), new PromptInput("a2", "x"))));
        await(ledger.register("b", List.of(new PromptInput("b1", "x"))));

        assertThat(await(ledger.claimForCreate("a1", rate, false, T0)).outcome()).isEqualTo(Outcome.CLAIMED);
        assertThat(await(ledger.claimForCreate("b1", rate, false, T0)).outcome()).isEqualTo(Outcome.CLAIMED);
        assertThat(await(ledger.claimForCreate("a2", rate, false, T0)).outcome()).isEqualTo(Outcome.OVER_BUDGET);
    }

    @Test
    void budget_releasedClaimsFreeIt_inDoubtOnesKeepItCounted() {
        CreateRate rate = new CreateRate(2, Duration.ofHours(1));
        await(ledger.register(PROJECT, prompts(0, 4)));
        assertThat(await(ledger.claimForCreate("p0", rate, false, T0)).outcome()).isEqualTo(Outcome.CLAIMED);
        assertThat(await(ledger.claimForCreate("p1", rate, false, T0.plusSeconds(1))).outcome()).isEqualTo(Outcome.CLAIMED);

        await(ledger.releaseClaim("p0", "429", T0.plusSeconds(2)));
        assertThat(await(ledger.createsSince(PROJECT, T0))).containsExactly(T0.plusSeconds(1));
        assertThat(await(ledger.claimForCreate("p2", rate, false, T0.plusSeconds(3))).outcome()).isEqualTo(Outcome.CLAIMED);

        await(ledger.markInDoubt("p1", "timeout after send", T0.plusSeconds(4)));
        assertThat(await(ledger.claimForCreate("p3", rate, false, T0.plusSeconds(5))))
                .isEqualTo(ClaimResult.overBudget(T0.plusSeconds(1).plus(Duration.ofHours(1))));
    }

    @Test
    void budget_unlimited_stillLogsTheCreates() {
        await(ledger.register(PROJECT, prompts(0, 300)));
        for (int i = 0; i < 300; i++) {
            claim("p" + i, T0);
        }
        assertThat(await(ledger.createsSince(PROJECT, T0))).hasSize(300);
    }

    @Test
    void createsSince_returnsTimesAtOrAfter_oldestFirst() {
        await(ledger.register(PROJECT, prompts(0, 3)));
        claim("p0", T0.plusSeconds(30));
        claim("p1", T0.plusSeconds(10));
        claim("p2", T0.plusSeconds(20));

        assertThat(await(ledger.createsSince(PROJECT, T0.plusSeconds(20))))
                .containsExactly(T0.plusSeconds(20), T0.plusSeconds(30));
        assertThat(await(ledger.createsSince(PROJECT, T0)))
                .containsExactly(T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30));
        assertThat(await(ledger.createsSince("other", T0))).isEmpty();
    }

    @Test
    void counts_countEachState_andLeaveEmptyOnesOut() {
        await(ledger.register(PROJECT, prompts(0, 5)));
        claim("p0", T0);
        claim("p1", T0);
        claim("p2", T0);
        await(ledger.markCreated("p1", "job-1", T0));
        await(ledger.markCreated("p2", "job-2", T0));
        await(ledger.markFinished("p2", PromptState.ARCHIVED, null, null, T0));

        assertThat(await(ledger.counts())).isEqualTo(Map.of(PromptState.PENDING, 2L, PromptState.CREATING, 1L,
                PromptState.CREATED, 1L, PromptState.ARCHIVED, 1L));
    }

    @Test
    void timesAreKeptToTheMillisecond() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        claim("p0", T0.plusNanos(1_234_567));

        assertThat(row("p0").attemptedAt()).isEqualTo(T0.plusMillis(1));
    }

    @Test
    void afterClose_everyCallFailsWithStorage() {
        await(ledger.register(PROJECT, prompts(0, 1)));
        ledger.close();

        List<Mono<?>> calls = new ArrayList<>(List.of(ledger.register(PROJECT, prompts(1, 1)), ledger.get("p0"),
                ledger.counts(), ledger.claimForCreate("p0", CreateRate.DEFAULT, false, T0),
                ledger.markCreated("p0", "j", T0), ledger.createsSince(PROJECT, T0),
                ledger.recordExisting(PROJECT, "w", "j", T0), ledger.reopen("p0", T0),
                ledger.recoverInterrupted("x", T0), ledger.find(Set.of()).collectList()));
        for (Mono<?> call : calls) {
            assertThatThrownBy(() -> call.block(TIMEOUT)).isInstanceOfSatisfying(LedgerException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.STORAGE));
        }
        ledger.close();
    }

    @Test
    void everyCall_fromAParallelThread_passesBlockHound() {
        for (Mono<?> call : everyCall(ledger)) {
            call.subscribeOn(Schedulers.parallel()).block(TIMEOUT);
        }
        assertThat(row("p1").state()).isEqualTo(PromptState.COMPLETED);
    }

    /** One call of each method (but close), in an order in which each succeeds. */
    static List<Mono<?>> everyCall(JobLedger ledger) {
        return List.of(
                ledger.register(PROJECT, prompts(0, 3)),
                ledger.claimForCreate("p0", CreateRate.DEFAULT, false, T0),
                ledger.claimForCreate("p1", CreateRate.DEFAULT, false, T0),
                ledger.claimForCreate("p2", CreateRate.DEFAULT, false, T0),
                ledger.releaseClaim("p0", "429", T0),
                ledger.markCreated("p1", "job-1", T0),
                ledger.markInDoubt("p2", "reset", T0),
                ledger.markFinished("p1", PromptState.COMPLETED, null, null, T0),
                ledger.reopen("p1", T0),
                ledger.markFinished("p1", PromptState.COMPLETED, null, null, T0),
                ledger.recordExisting(PROJECT, "w", "job-w", T0),
                ledger.recoverInterrupted("crash", T0),
                ledger.find(Set.of()).collectList(),
                ledger.get("p0"),
                ledger.createsSince(PROJECT, T0),
                ledger.counts());
    }

    static void assertInputChanged(Mono<?> call, String... inMessage) {
        assertThatThrownBy(() -> call.block(TIMEOUT)).isInstanceOfSatisfying(LedgerException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INPUT_CHANGED);
            assertThat(e.getMessage()).contains(inMessage);
        });
    }

    static void assertIllegal(Mono<?> call) {
        assertThatThrownBy(() -> call.block(TIMEOUT)).isInstanceOfSatisfying(LedgerException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.ILLEGAL_TRANSITION));
    }
}
