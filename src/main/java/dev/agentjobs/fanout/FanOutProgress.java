package dev.agentjobs.fanout;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Counts of a fan-out's prompts by state, read from its ledger, with the create budget's view of what is left:
 * for a progress bar or a metrics registry.
 *
 * <pre>{@code
 * run.progress(Duration.ofSeconds(5)).subscribe(p ->
 *         log.info("{}/{} done, {} active, {} creates in the last hour, about {} of creating left",
 *                 p.done(), p.total(), p.active(), p.createsInWindow(), p.createTimeLeft()));
 * }</pre>
 *
 * @param pending         prompts waiting for their create
 * @param creating        creates claimed and not answered yet
 * @param active          jobs created and not ended ({@code CREATED})
 * @param completed       jobs ended {@code completed}
 * @param failed          jobs ended {@code failed}
 * @param archived        jobs ended {@code archived}
 * @param inDoubt         creates whose outcome is unknown
 * @param rejected        prompts the server refused as invalid
 * @param errors          prompts ended on our side (deadline, poll cap, job gone)
 * @param createsInWindow creates counted in the budget's current window (the last hour by default)
 * @param createTimeLeft  how long until the last create still to send may leave, by the budget alone (zero when
 *                        the budget holds nothing back); jobs still take their own time after that
 * @param createsPausedUntil until when creates wait because the server refused one (a 429, its
 *                        {@code Retry-After} capped at {@link FanOutOptions#maxRefusalBackoff()}), or {@code null}
 *                        when they do not wait for that
 * @param at              when these counts were read
 */
public record FanOutProgress(long pending, long creating, long active, long completed, long failed, long archived,
                             long inDoubt, long rejected, long errors, int createsInWindow, Duration createTimeLeft,
                             Instant createsPausedUntil, Instant at) {

    public FanOutProgress {
        Objects.requireNonNull(createTimeLeft, "createTimeLeft");
        Objects.requireNonNull(at, "at");
    }

    /** Progress from a ledger's {@link JobLedger#counts()}. */
    static FanOutProgress of(Map<PromptState, Long> counts, int createsInWindow, Duration createTimeLeft,
                             Instant createsPausedUntil, Instant at) {
        return new FanOutProgress(n(counts, PromptState.PENDING), n(counts, PromptState.CREATING),
                n(counts, PromptState.CREATED), n(counts, PromptState.COMPLETED), n(counts, PromptState.FAILED),
                n(counts, PromptState.ARCHIVED), n(counts, PromptState.IN_DOUBT), n(counts, PromptState.REJECTED),
                n(counts, PromptState.ERROR), createsInWindow, createTimeLeft, createsPausedUntil, at);
    }

    private static long n(Map<PromptState, Long> counts, PromptState state) {
        return counts.getOrDefault(state, 0L);
    }

    /** Every prompt in the ledger. */
    public long total() {
        return pending + creating + active + done() + inDoubt;
    }

    /** Prompts in a terminal state. */
    public long done() {
        return completed + failed + archived + rejected + errors;
    }
}
