package dev.agentjobs.fanout;

import dev.agentjobs.api.AccessDeniedException;
import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.ClientClosedException;
import dev.agentjobs.api.InvalidRequestException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobsApi;
import dev.agentjobs.api.RateLimitedException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.fanout.FanOutResult.ErrorKind;
import dev.agentjobs.fanout.JobLedger.ClaimResult;
import dev.agentjobs.internal.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The create of one prompt, by the write-ahead rule: claim it in the ledger (which spends the budget, durably),
 * only then POST, then record the answer before anything else. Waits for the budget and after refusals happen
 * between attempts, on the run's scheduler, and may be cancelled; an attempt itself, from the claim to the
 * record of its answer, is {@linkplain Shield shielded} from cancellation.
 *
 * <p>A refusal (429, or a request proven never sent) pauses every create of the run, not only the refused one:
 * the server's budget is the project's, so the next create would be refused too. The pause is the server's
 * {@code Retry-After} when it named one, else a backoff doubling per refusal in a row.
 */
final class Creator {

    /**
     * How the create of one prompt ended: a job to watch, a result, or neither (the prompt was not claimable:
     * another claimer took it, or the run stopped first).
     */
    record Outcome(String customId, Job job, FanOutResult result, Instant attemptedAt) {
    }

    private static final Outcome NOT_MINE = new Outcome("", null, null, null);

    private final JobsApi api;
    private final JobLedger ledger;
    private final FanOutOptions options;
    private final Scheduler scheduler;
    private final Shield shield;
    private final Supplier<Instant> clock;

    // Written by attempts on several threads; a stale read only shortens or lengthens one wait a little.
    private volatile long pausedUntilMillis;
    private volatile int refusalsInARow;
    private volatile boolean stopped;
    private volatile RuntimeException stopError;

    Creator(JobsApi api, JobLedger ledger, FanOutOptions options, Scheduler scheduler, Shield shield,
            Supplier<Instant> clock) {
        this.api = api;
        this.ledger = ledger;
        this.options = options;
        this.scheduler = scheduler;
        this.shield = shield;
        this.clock = clock;
    }

    /** Creates {@code customId}'s job, waiting for the budget as long as it takes. */
    Mono<Outcome> create(String customId) {
        return Mono.defer(() -> pause().then(Mono.defer(() -> shield.run(attempt(customId)))))
                .publishOn(scheduler)
                .flatMap(step -> step.waitFor == null ? Mono.just(step.outcome)
                        : Mono.delay(step.waitFor, scheduler).then(Mono.<Outcome>empty()))
                .repeatWhenEmpty(repeats -> repeats);
    }

    /** Stops new attempts: an attempt that has not claimed yet claims nothing. */
    void stop() {
        stopped = true;
    }

    /** An attempt's end: an outcome, or a wait before the next attempt. */
    private record Step(Outcome outcome, Duration waitFor) {
    }

    private Mono<Step> attempt(String customId) {
        if (stopped) {
            return Mono.just(new Step(NOT_MINE, null));
        }
        // No read first: the claim checks the state itself and hands back the row with the prompt to send.
        Instant at = clock.get();
        return ledger.claimForCreate(customId, options.createRate(), options.retryInDoubt(), at)
                .flatMap(claim -> hop(customId, claim))
                .flatMap(claim -> switch (claim.outcome()) {
                    case NOT_CLAIMABLE -> Mono.just(new Step(NOT_MINE, null));
                    // Wait for the budget, then claim again: never a burst past it.
                    case OVER_BUDGET -> Mono.just(new Step(null, positive(Duration.between(clock.get(),
                            claim.notBefore()))));
                    case CLAIMED -> stopped
                            ? ledger.releaseClaim(customId, "the run stopped before this create was sent",
                                    clock.get()).thenReturn(new Step(NOT_MINE, null))
                            : post(claim.claimed(), at);
                });
    }

    /**
     * Back to the run's scheduler after a claim. When the scheduler refuses (the client's event loop is closed),
     * nothing was sent: a claimed row goes back to {@code PENDING} rather than staying {@code CREATING}.
     */
    private Mono<ClaimResult> hop(String customId, ClaimResult claim) {
        return Mono.just(claim).publishOn(scheduler).onErrorResume(RejectedExecutionException.class,
                e -> claim.outcome() != ClaimResult.Outcome.CLAIMED ? Mono.error(e)
                        : ledger.releaseClaim(customId, "the run's scheduler refused work before this create was"
                                + " sent: " + e.getMessage(), clock.get()).then(Mono.error(e)));
    }

    private Mono<Step> post(PromptRecord record, Instant at) {
        String id = record.customId();
        return Mono.defer(() -> api.create(record.prompt())).publishOn(scheduler).flatMap(job -> {
            if (job.id() == null) {
                return inDoubt(id, at, "the server answered without a job id");
            }
            refusalsInARow = 0;
            return ledger.markCreated(id, job.id(), clock.get())
                    .then(Mono.fromSupplier(() -> new Step(new Outcome(id, job, null, at), null)));
        }).onErrorResume(e -> failed(id, at, e));
    }

    private Mono<Step> failed(String id, Instant at, Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof LedgerException) {
            return Mono.error(e);
        }
        if (e instanceof RateLimitedException || e instanceof TransportException) {
            // Refused, or never sent: the server did not act, so the claim and its budget entry go back.
            // Capped: a proxy answering Retry-After of a year must not stop the run silently for a year.
            Duration wait = ((AgentJobsException) e).retryAfter().map(this::capped).orElseGet(this::nextBackoff);
            pausedUntilMillis = Math.max(pausedUntilMillis, nowMillis() + wait.toMillis());
            return ledger.releaseClaim(id, message, clock.get()).thenReturn(new Step(null, Duration.ZERO));
        }
        if (e instanceof AccessDeniedException || e instanceof ClientClosedException) {
            // The key is wrong for every prompt alike, or the client closed before sending (nothing left, so no
            // job exists): stop, and leave this one PENDING for a run with a good key or an open client.
            stopped = true;
            stopError = (RuntimeException) e;
            return ledger.releaseClaim(id, message, clock.get()).then(Mono.error(e));
        }
        if (e instanceof InvalidRequestException) {
            return ledger.markFinished(id, PromptState.REJECTED, null, ErrorKind.INVALID_REQUEST.reason(message),
                    clock.get()).thenReturn(result(id, PromptState.REJECTED, ErrorKind.INVALID_REQUEST, message, at));
        }
        // OutcomeUnknownException, and anything this code cannot prove happened before the request left.
        return inDoubt(id, at, message);
    }

    private Mono<Step> inDoubt(String id, Instant at, String message) {
        return ledger.markInDoubt(id, ErrorKind.OUTCOME_UNKNOWN.reason(message), clock.get())
                .thenReturn(result(id, PromptState.IN_DOUBT, ErrorKind.OUTCOME_UNKNOWN, message, at));
    }

    private static Step result(String id, PromptState state, ErrorKind kind, String message, Instant at) {
        return new Step(new Outcome(id, null, new FanOutResult(id, null, state, null, kind, message, at), at), null);
    }

    /** Waits out a pause set by a refusal; fails at once once the run was stopped by a bad key. */
    private Mono<Void> pause() {
        if (stopError != null) {
            return Mono.error(stopError);
        }
        long wait = pausedUntilMillis - nowMillis();
        return wait > 0 ? Mono.delay(Duration.ofMillis(wait), scheduler).then() : Mono.empty();
    }

    private Duration capped(Duration retryAfter) {
        return Backoff.clampRetryAfter(retryAfter, options.maxRefusalBackoff());
    }

    /** Until when creates wait after a refusal, or {@code null} when they do not. */
    Instant pausedUntil() {
        long until = pausedUntilMillis;
        return until > nowMillis() ? Instant.ofEpochMilli(until) : null;
    }

    private Duration nextBackoff() {
        int n = refusalsInARow = Math.min(refusalsInARow + 1, 64);
        return Duration.ofNanos(Backoff.exponential(options.refusalBackoff().toNanos(), 2, n,
                options.maxRefusalBackoff().toNanos()));
    }

    private long nowMillis() {
        return clock.get().toEpochMilli();
    }

    private static Duration positive(Duration d) {
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }
}
