package dev.agentjobs.fanout;

import java.time.Instant;
import java.util.Objects;

/**
 * One prompt's row in a {@link JobLedger}.
 *
 * @param customId    the caller's key
 * @param project     the project its job is (to be) created in
 * @param prompt      the prompt text
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
}
