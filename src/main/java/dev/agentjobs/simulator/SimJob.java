package dev.agentjobs.simulator;

/**
 * One job, as small as the lifecycle allows (~48 bytes): the status is never stored but computed from the
 * clock on each read, so 100k idle jobs cost their record and nothing else. Immutable: a follow-up message or an
 * archive replaces the record in its map, so reads need no lock.
 *
 * @param turnEnd    epoch millis when the current turn (the create or the latest message) ends
 * @param fails      whether the current turn ends {@code failed} rather than {@code completed}
 * @param archivedAt epoch millis of archiving, or {@link #NOT_ARCHIVED}
 */
record SimJob(String id, int number, long createdAt, long turnEnd, boolean fails, long archivedAt) {

    static final long NOT_ARCHIVED = Long.MIN_VALUE;

    JobState state(long now) {
        if (archivedAt != NOT_ARCHIVED) {
            return JobState.ARCHIVED;
        }
        if (now < turnEnd) {
            return JobState.ACTIVE;
        }
        return fails ? JobState.FAILED : JobState.COMPLETED;
    }

    /** A PR exists once a turn completed; archiving keeps the link of a job that had completed. */
    boolean hasPullRequest(long now) {
        long until = archivedAt != NOT_ARCHIVED ? archivedAt : now;
        return !fails && until >= turnEnd;
    }

    SimJob nextTurn(long now, long durationMillis, boolean turnFails) {
        return new SimJob(id, number, createdAt, now + durationMillis, turnFails, archivedAt);
    }

    SimJob archive(long now) {
        return archivedAt != NOT_ARCHIVED ? this : new SimJob(id, number, createdAt, turnEnd, fails, now);
    }
}
