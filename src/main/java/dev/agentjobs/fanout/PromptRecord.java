package dev.agentjobs.fanout;

import java.time.Instant;
import java.util.Objects;

/**
 * One prompt's row in a {@link JobLedger}.
 *
 * @param customId    the caller's key
 * @param project     the project its job is (to be) created in
 * @param prompt      the prompt text; empty for a job recorded by id ({@link JobLedger#recordExisting}), whose
 *                    prompt the ledger never saw ({@link PromptInput} refuses an empty prompt, so the two never mix)
 * @param state       where it stands
 * @param jobId       the job's id once created, else {@code null}
 * @param prLink      the pull-request link the job ended with, else {@code null}
 * @param lastError   why it is {@code IN_DOUBT}, {@code REJECTED} or {@code ERROR}, or why the last attempt was
 *                    refused; else {@code null}
 * @param attempts    how many creates were claimed for it
 * @param attemptedAt when the last create was claimed, else {@code null}
 * @param updatedAt   when the row last changed
 */
public record PromptRecord(String customId, String project, String prompt, PromptState state, String jobId,
                           String prLink, String lastError, int attempts, Instant attemptedAt, Instant updatedAt) {

    public PromptRecord {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /** The text a row recorded by id holds in place of its unknown prompt. */
    static final String NO_PROMPT = "";

    /**
     * Whether the row is a job created elsewhere and recorded by its id ({@link JobLedger#recordExisting}), not a
     * prompt registered here: its prompt text is unknown (empty) and it was never claimed.
     */
    public boolean recordedById() {
        return prompt.isEmpty();
    }

    /** This row without its prompt text. */
    public PromptSummary summary() {
        return new PromptSummary(customId, project, state, jobId, prLink, lastError, attempts, attemptedAt,
                updatedAt);
    }
}
