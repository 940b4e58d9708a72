package dev.agentjobs.fanout;

/**
 * Where one prompt of a fan-out stands in its {@link JobLedger}.
 *
 * <pre>{@code
 * PENDING --claim--> CREATING --201--> CREATED --poll--> COMPLETED | FAILED | ARCHIVED
 *    ^                  |  \--400--> REJECTED      \--401/403/deadline--> ERROR
 *    +--429/not sent----+   \--outcome unknown / crash--> IN_DOUBT (--retry-in-doubt: claim again)
 * }</pre>
 *
 * <p>{@code CREATING} is written durably <em>before</em> the POST leaves and {@code CREATED} (with the job id)
 * as soon as the answer arrives, so a crash between the two leaves {@code CREATING}, which the next run turns
 * into {@code IN_DOUBT}: the API has no idempotency key and no list endpoint, so only a person can tell
 * whether that job exists.
 *
 * <p>Outside a fan-out, two more moves exist: a job created elsewhere is recorded straight as {@code CREATED}
 * ({@link JobLedger#recordExisting}), and a follow-up message makes a {@code COMPLETED}, {@code FAILED} or
 * {@code ARCHIVED} job {@code CREATED} again ({@link JobLedger#reopen}); the fan-out itself does neither.
 */
public enum PromptState {
    /** Registered, no create attempted yet (or the last attempt was refused before the server acted). */
    PENDING(false),
    /** A create was claimed and may be on the wire; its outcome is not recorded yet. */
    CREATING(false),
    /** The server created the job; its id is recorded and the job is being (or will be) watched. */
    CREATED(false),
    /** The job ended {@code completed}. */
    COMPLETED(true),
    /** The job ended {@code failed}. */
    FAILED(true),
    /** The job ended {@code archived}. */
    ARCHIVED(true),
    /** The create's outcome is unknown: a job may or may not exist. Never re-posted unless asked. */
    IN_DOUBT(false),
    /** The server refused the prompt as invalid (400); never retried. */
    REJECTED(true),
    /** Our side ended it (401/403, a deadline, a poll cap); the reason is recorded. */
    ERROR(true);

    private final boolean terminal;

    PromptState(boolean terminal) {
        this.terminal = terminal;
    }

    /** Whether a run never touches this prompt again. */
    public boolean isTerminal() {
        return terminal;
    }
}
