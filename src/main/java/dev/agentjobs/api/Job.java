package dev.agentjobs.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A snapshot of an agent job as returned by the API.
 *
 * <p>The API marks no property as required, so every component but {@code status} may be {@code null};
 * {@code status} is {@link JobStatus#UNKNOWN} when the server sent none or a value this client does not
 * know, and then {@code rawStatus} keeps the server's value (say {@code "queued"}) so that it can still be shown.
 * Unknown extra properties are ignored.
 *
 * <pre>{@code
 * Job job = client.get("job_123").block();
 * if (job.status() == JobStatus.COMPLETED && job.prLink() != null) {
 *     System.out.println("PR: " + job.prLink());
 * }
 * }</pre>
 *
 * @param id         the job id (opaque)
 * @param status     the status, never {@code null}
 * @param source     repository and branch, or {@code null}
 * @param model      the model used, or {@code null}
 * @param prLink     the pull-request URL once the agent opened one, else {@code null}
 * @param createdAt  creation time, or {@code null}
 * @param archivedAt archive time, or {@code null}
 * @param rawStatus  the status as the server wrote it when {@code status} is {@link JobStatus#UNKNOWN}
 *                   (kept only then; {@code null} when the server sent none)
 */
public record Job(String id, JobStatus status, Source source, String model, String prLink,
                  Instant createdAt, Instant archivedAt, String rawStatus) {

    public Job {
        status = Objects.requireNonNullElse(status, JobStatus.UNKNOWN);
        if (status != JobStatus.UNKNOWN) {
            // A known status says it all; keeping "ACTIVE " beside ACTIVE would only make equal jobs unequal.
            rawStatus = null;
        }
    }

    /** A job whose status is one this client knows (or {@link JobStatus#UNKNOWN} with no raw value). */
    public Job(String id, JobStatus status, Source source, String model, String prLink,
               Instant createdAt, Instant archivedAt) {
        this(id, status, source, model, prLink, createdAt, archivedAt, null);
    }

    /** Whether the job reached a status that ends polling. */
    public boolean isTerminal() {
        return status.isTerminal();
    }

    /** The status as the server wrote it: {@link #rawStatus} when there is one, else the status's wire name. */
    public String statusText() {
        return rawStatus != null ? rawStatus : status.wireName();
    }

    /** A copy of this snapshot with another status. */
    public Job withStatus(JobStatus newStatus) {
        return new Job(id, newStatus, source, model, prLink, createdAt, archivedAt, rawStatus);
    }

    /**
     * Where an agent job works: the GitHub repository URL and the branch, either of which may be absent.
     *
     * @param repository full URL of the GitHub repository, or {@code null} when the server did not say
     * @param ref        the branch the agent works on, or {@code null}
     */
    public record Source(String repository, String ref) {
    }
}
