package dev.agentjobs.fanout;

import java.time.Instant;
import java.util.Objects;

/**
 * One prompt's row in a {@link JobLedger} without its text: what a scan over many prompts needs (their state,
 * job id and errors) at a few dozen bytes a row, where a {@link PromptRecord} may carry up to 256 KiB of prompt.
 * {@link JobLedger#summaries} lists them.
 *
 * <pre>{@code
 * ledger.summaries(EnumSet.of(PromptState.IN_DOUBT))
 *         .subscribe(s -> System.out.println(s.customId() + " attempted " + s.attemptedAt()));
 * }</pre>
 *
 * @param customId    the caller's key
 * @param project     the project its job is (to be) created in
 * @param state       where it stands
 * @param jobId       the job's id once created, else {@code null}
 * @param prLink      the pull-request link the job ended with, else {@code null}
 * @param lastError   why it is {@code IN_DOUBT}, {@code REJECTED} or {@code ERROR}, or why the last attempt was
 *                    refused; else {@code null}
 * @param attempts    how many creates were claimed for it
 * @param attemptedAt when the last create was claimed, else {@code null}
 * @param updatedAt   when the row last changed
 */
public record PromptSummary(String customId, String project, PromptState state, String jobId, String prLink,
                            String lastError, int attempts, Instant attemptedAt, Instant updatedAt) {

    public PromptSummary {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(project, "project");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
