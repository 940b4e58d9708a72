package dev.agentjobs.fanout;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * The rules every {@link JobLedger} implementation applies the same way: which moves a prompt may make, what
 * the create budget allows, and the wording of the refusals. Kept in one place so that the in-memory baseline
 * and the SQLite ledger cannot drift apart (the contract test runs against both).
 */
final class LedgerRules {

    private LedgerRules() {
    }

    /**
     * Times are kept to the millisecond: the SQLite ledger writes them as fixed-width ISO-8601 text (readable
     * in {@code sqlite3}, sortable as text), and the in-memory ledger truncates the same way so both answer
     * alike.
     */
    static Instant truncate(Instant time) {
        return time == null ? null : time.truncatedTo(ChronoUnit.MILLIS);
    }

    /** Whether {@code from -> to} is one of the moves listed in {@link JobLedger}'s contract. */
    static boolean allowed(PromptState from, PromptState to) {
        return switch (from) {
            case PENDING, IN_DOUBT -> to == PromptState.CREATING;
            case CREATING -> to == PromptState.PENDING || to == PromptState.CREATED || to == PromptState.IN_DOUBT
                    || to == PromptState.REJECTED || to == PromptState.ERROR;
            case CREATED -> to == PromptState.COMPLETED || to == PromptState.FAILED || to == PromptState.ARCHIVED
                    || to == PromptState.ERROR;
            case COMPLETED, FAILED, ARCHIVED, REJECTED, ERROR -> false;
        };
    }

    /** Fails unless the prompt exists and may move from {@code from} to {@code to}. */
    static void checkTransition(String customId, PromptState from, PromptState to) {
        if (from == null) {
            throw unknown(customId);
        }
        if (!allowed(from, to)) {
            throw new LedgerException(LedgerException.Reason.ILLEGAL_TRANSITION,
                    "prompt '" + customId + "' cannot move from " + from + " to " + to
                            + (from.isTerminal() ? " (" + from + " is final)" : ""));
        }
    }

    /**
     * Whether a follow-up message may reopen a prompt in {@code state} ({@link JobLedger#reopen}): a job that ended
     * on its own. {@code REJECTED} and {@code ERROR} stay final: the first has no job, the second was ended by
     * our side for a reason a message does not remove.
     */
    static boolean reopenable(PromptState state) {
        return state == PromptState.COMPLETED || state == PromptState.FAILED || state == PromptState.ARCHIVED;
    }

    /** Fails unless the prompt exists and may be reopened from {@code from}. */
    static void checkReopen(String customId, PromptState from) {
        if (from == null) {
            throw unknown(customId);
        }
        if (!reopenable(from)) {
            throw new LedgerException(LedgerException.Reason.ILLEGAL_TRANSITION,
                    "prompt '" + customId + "' cannot be reopened from " + from
                            + ": only a completed, failed or archived job can be");
        }
    }

    /**
     * The check of {@link JobLedger#recordExisting} against a row already under its key: the same job in the same
     * project is idempotent, anything else (another job, a registered prompt without one, another project) is
     * refused.
     */
    static void checkSameJob(String customId, String knownProject, String knownJobId, String project,
                             String jobId) {
        if (!jobId.equals(knownJobId)) {
            String recorded = knownJobId == null ? "a prompt registered without a job" : "job '" + knownJobId + "'";
            throw new LedgerException(LedgerException.Reason.INPUT_CHANGED, "custom_id '" + customId
                    + "' is recorded for " + recorded + ", not job '" + jobId + "'; nothing was recorded");
        }
        if (!knownProject.equals(project)) {
            throw inputChanged(customId, knownProject, project, true);
        }
    }

    /** The state {@link JobLedger#markFinished} may be asked for: a terminal one. */
    static PromptState requireTerminal(PromptState state) {
        Objects.requireNonNull(state, "state");
        if (!state.isTerminal()) {
            throw new IllegalArgumentException("markFinished needs a terminal state, was " + state);
        }
        return state;
    }

    /** Whether a claim may take a prompt in {@code state}. */
    static boolean claimable(PromptState state, boolean includeInDoubt) {
        return state == PromptState.PENDING || (includeInDoubt && state == PromptState.IN_DOUBT);
    }

    /**
     * The start of the window ending at {@code now}: a create at time {@code t} counts while
     * {@code t > windowStart}, i.e. it frees its slot exactly {@code window} after it was made.
     */
    static Instant windowStart(CreateRate rate, Instant now) {
        return now.minus(rate.window());
    }

    /**
     * The budget check of a claim.
     *
     * @param inWindow the project's create times after {@link #windowStart}, oldest first
     * @return {@code null} when there is room at {@code now}; else the earliest time there is: when the window
     *     holds {@code n >= creates} entries, the {@code (n - creates + 1)}-th oldest leaving it (with a full
     *     window of exactly {@code creates}, the oldest entry plus the window)
     */
    static Instant notBefore(List<Instant> inWindow, CreateRate rate) {
        if (rate.isUnlimited() || inWindow.size() < rate.creates()) {
            return null;
        }
        return inWindow.get(inWindow.size() - rate.creates()).plus(rate.window());
    }

    static LedgerException inputChanged(String customId, String recordedProject, String project,
                                        boolean sameText) {
        String what = !sameText ? "another prompt text" : "project '" + project + "'";
        String recorded = !sameText ? "the recorded one" : "'" + recordedProject + "'";
        return new LedgerException(LedgerException.Reason.INPUT_CHANGED,
                "custom_id '" + customId + "' comes with " + what + " than " + recorded
                        + " in this ledger; nothing was registered. Use the input the ledger was started with, "
                        + "or a new ledger file for the new input");
    }

    static LedgerException unknown(String customId) {
        return new LedgerException(LedgerException.Reason.ILLEGAL_TRANSITION,
                "prompt '" + customId + "' is not in the ledger: register it first");
    }

    static LedgerException closed(String what) {
        return new LedgerException(LedgerException.Reason.STORAGE, "the ledger " + what + " is closed");
    }
}
