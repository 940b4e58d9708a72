package dev.agentjobs.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A change in a watched job: what it was, what it is now, and when this client noticed.
 * Only changes are emitted, never a repeat of the same state.
 *
 * <pre>{@code
 * watcher.submit("Fix the typo in README").subscribe(e ->
 *         System.out.println(e.at() + " " + e.kind() + " " + e.previous() + " -> " + e.status()));
 * }</pre>
 *
 * @param kind     what changed
 * @param job      the snapshot that showed the change
 * @param previous the status before, or {@code null} when this is the first state seen
 * @param at       when the change was observed, from the engine's clock
 */
public record JobEvent(Kind kind, Job job, JobStatus previous, Instant at) {

    /** What a {@link JobEvent} reports. */
    public enum Kind {
        /** The job was created by this client (the first event of a submit). */
        CREATED,
        /** The status changed to a non-terminal one, or was seen for the first time by a watch. */
        STATUS_CHANGED,
        /** The pull-request link appeared (or changed). */
        PR_LINKED,
        /** The job reached a terminal status; the last event of a watch. */
        TERMINAL
    }

    public JobEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(at, "at");
    }

    /** The status now: {@code job().status()}. */
    public JobStatus status() {
        return job.status();
    }

    /** The job id: {@code job().id()}. */
    public String jobId() {
        return job.id();
    }
}
