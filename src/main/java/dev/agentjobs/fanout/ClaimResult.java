package dev.agentjobs.fanout;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer to {@link JobLedger#claimForCreate}: whether the caller may send the create now.
 *
 * @param outcome   what happened
 * @param notBefore with {@link Outcome#OVER_BUDGET}, the earliest time the project's budget has room again;
 *                  else {@code null}
 */
public record ClaimResult(Outcome outcome, Instant notBefore) {

    /** What a claim ended as. */
    public enum Outcome {
        /** The prompt is now {@code CREATING} and counted in the budget, durably: send the create. */
        CLAIMED,
        /** The prompt is not in a claimable state (another claimer took it, or it moved on): skip it. */
        NOT_CLAIMABLE,
        /** The project's create budget is spent until {@link #notBefore()}: nothing was written. */
        OVER_BUDGET
    }

    public ClaimResult {
        Objects.requireNonNull(outcome, "outcome");
        if ((outcome == Outcome.OVER_BUDGET) != (notBefore != null)) {
            throw new IllegalArgumentException("notBefore is set exactly for OVER_BUDGET, was " + outcome
                    + " with " + notBefore);
        }
    }

    public static final ClaimResult CLAIMED = new ClaimResult(Outcome.CLAIMED, null);
    public static final ClaimResult NOT_CLAIMABLE = new ClaimResult(Outcome.NOT_CLAIMABLE, null);

    public static ClaimResult overBudget(Instant notBefore) {
        return new ClaimResult(Outcome.OVER_BUDGET, Objects.requireNonNull(notBefore, "notBefore"));
    }
}
