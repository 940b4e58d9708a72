package dev.agentjobs.api;

import java.util.Objects;

/**
 * A watch ended at one of its own limits before the job reached a terminal status: its deadline
 * ({@code PollPolicy.deadline}) or its cap on polls ({@code PollPolicy.maxPolls}); {@link #limit()} tells
 * which. Nothing was wrong with the API, so there is no HTTP status or {@code Retry-After}. The job may still
 * be running on the server: watch it again by id to go on.
 *
 * <pre>{@code
 * watcher.awaitTerminal(id).onErrorResume(WatchLimitExceededException.class, e -> watcher.awaitTerminal(id));
 * }</pre>
 */
public final class WatchLimitExceededException extends AgentJobsException {

    private static final long serialVersionUID = 1L;

    /** The limit a watch reached. */
    public enum Limit {
        /** The watch's overall deadline passed. */
        DEADLINE,
        /** The watch used up its cap on polls. */
        MAX_POLLS
    }

    private final Limit limit;

    public WatchLimitExceededException(Limit limit, String jobId, String message) {
        super(message, jobId, null);
        this.limit = Objects.requireNonNull(limit, "limit");
    }

    /** Which limit ended the watch. */
    public Limit limit() {
        return limit;
    }
}
