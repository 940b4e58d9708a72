package dev.agentjobs.fanout;

import java.time.Instant;
import java.util.Objects;

/**
 * The answer to {@link JobLedger#claimForCreate}: whether the caller may send the create now, and with
 * {@link Outcome#CLAIMED} the claimed row itself, so that the caller needs no second read for the prompt text.
 *
 * @param outcome   what happened
 * @param notBefore with {@link Outcome#OVER_BUDGET}, the earliest time the project's budget has room again;
 *                  else {@code null}
 * @param claimed   with {@link Outcome#CLAIMED}, the row as the claim left it ({@code CREATING}, attempts counted,
 *                  attempted at the claim's time); else {@code null}
 */
public record ClaimResult(Outcome outcome, Instant notBefore, PromptRecord claimed) {

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
        if ((outcome == Outcome.CLAIMED) != (claimed != null)) {
            throw new IllegalArgumentException("claimed is set exactly for CLAIMED, was " + outcome + " with "
                    + claimed);
        }
        if (claimed != null && claimed.state() != PromptState.CREATING) {
            throw new IllegalArgumentException("a claimed row is CREATING, was " + claimed.state());
        }
    }

    public static final ClaimResult NOT_CLAIMABLE = new ClaimResult(Outcome.NOT_CLAIMABLE, null, null);

    /** The prompt was claimed: {@code row} is its {@code CREATING} row. */
    public static ClaimResult claimed(PromptRecord row) {
        return new ClaimResult(Outcome.CLAIMED, null, Objects.requireNonNull(row, "row"));
    }

    public static ClaimResult overBudget(Instant notBefore) {
        return new ClaimResult(Outcome.OVER_BUDGET, Objects.requireNonNull(notBefore, "notBefore"), null);
    }
}
