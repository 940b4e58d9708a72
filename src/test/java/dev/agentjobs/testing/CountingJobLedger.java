package dev.agentjobs.testing;

import dev.agentjobs.fanout.CreateRate;
import dev.agentjobs.fanout.JobLedger;
import dev.agentjobs.fanout.LedgerException;
import dev.agentjobs.fanout.PromptInput;
import dev.agentjobs.fanout.PromptRecord;
import dev.agentjobs.fanout.PromptState;
import dev.agentjobs.fanout.PromptSummary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A {@link JobLedger} that passes every call to another and counts the prompt texts its reads hand out
 * ({@link #find}, {@link #get}, {@link #findByJobId}, {@link #recoverInterrupted}): a test asserts with it that a
 * scan over many prompts reads none, without measuring memory. A claim's one prompt is counted apart, since a
 * create must read it. {@link #failLookUps} makes the next look-ups by job id fail, as a ledger whose disk is full
 * would.
 */
public final class CountingJobLedger implements JobLedger {

    private final JobLedger delegate;
    private final AtomicLong promptsRead = new AtomicLong();
    private final AtomicLong promptsClaimed = new AtomicLong();
    private final AtomicLong lookUpsToFail = new AtomicLong();

    public CountingJobLedger(JobLedger delegate) {
        this.delegate = delegate;
    }

    /** Prompt texts handed out by reads other than claims. */
    public long promptsRead() {
        return promptsRead.get();
    }

    /** Prompt texts handed out by successful claims. */
    public long promptsClaimed() {
        return promptsClaimed.get();
    }

    /** Makes the next {@code count} calls of {@link #findByJobId} fail with a {@code LedgerException}. */
    public void failLookUps(int count) {
        lookUpsToFail.set(count);
    }

    private PromptRecord read(PromptRecord r) {
        promptsRead.incrementAndGet();
        return r;
    }

    @Override
    public Mono<Integer> register(String project, List<PromptInput> prompts) {
        return delegate.register(project, prompts);
    }

    @Override
    public Mono<List<PromptRecord>> recoverInterrupted(String reason, Instant now) {
        return delegate.recoverInterrupted(reason, now).doOnNext(list -> promptsRead.addAndGet(list.size()));
    }

    @Override
    public Flux<PromptRecord> find(Set<PromptState> states) {
        return delegate.find(states).map(this::read);
    }

    @Override
    public Flux<PromptSummary> summaries(Set<PromptState> states) {
        return delegate.summaries(states);
    }

    @Override
    public Mono<PromptRecord> get(String customId) {
        return delegate.get(customId).map(this::read);
    }

    @Override
    public Flux<PromptRecord> findByJobId(String jobId) {
        if (lookUpsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return Flux.error(new LedgerException(LedgerException.Reason.STORAGE, "look-up made to fail by the test"));
        }
        return delegate.findByJobId(jobId).map(this::read);
    }

    @Override
    public Mono<ClaimResult> claimForCreate(String customId, CreateRate rate, boolean includeInDoubt, Instant now) {
        return delegate.claimForCreate(customId, rate, includeInDoubt, now).doOnNext(c -> {
            if (c.claimed() != null) {
                promptsClaimed.incrementAndGet();
            }
        });
    }

    @Override
    public Mono<Void> releaseClaim(String customId, String reason, Instant now) {
        return delegate.releaseClaim(customId, reason, now);
    }

    @Override
    public Mono<Void> markCreated(String customId, String jobId, Instant now) {
        return delegate.markCreated(customId, jobId, now);
    }

    @Override
    public Mono<Void> markInDoubt(String customId, String reason, Instant now) {
        return delegate.markInDoubt(customId, reason, now);
    }

    @Override
    public Mono<Void> markFinished(String customId, PromptState state, String prLink, String reason, Instant now) {
        return delegate.markFinished(customId, state, prLink, reason, now);
    }

    @Override
    public Mono<Boolean> recordExisting(String project, String customId, String jobId, Instant now) {
        return delegate.recordExisting(project, customId, jobId, now);
    }

    @Override
    public Mono<Void> reopen(String customId, Instant now) {
        return delegate.reopen(customId, now);
    }

    @Override
    public Mono<List<Instant>> createsSince(String project, Instant since) {
        return delegate.createsSince(project, since);
    }

    @Override
    public Mono<Map<PromptState, Long>> counts() {
        return delegate.counts();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
