package dev.agentjobs.poll;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/** Turns two consecutive snapshots of a job into the events that tell what changed, in a fixed order. */
final class Transitions {

    private Transitions() {
    }

    /** Whether {@code now} differs from {@code before} in what events report: status or pull-request link. */
    static boolean isChange(Job before, Job now) {
        return before == null || before.status() != now.status()
                || (now.prLink() != null && !now.prLink().equals(before.prLink()));
    }

    /**
     * {@code now}, holding {@code before}'s instances wherever the two are equal (id, source, model,
     * timestamps), so consecutive snapshots of one job do not each keep their own copies.
     */
    static Job sharing(Job before, Job now) {
        if (before == null) {
            return now;
        }
        return new Job(same(before.id(), now.id()), now.status(), same(before.source(), now.source()),
                same(before.model(), now.model()), same(before.prLink(), now.prLink()),
                same(before.createdAt(), now.createdAt()), same(before.archivedAt(), now.archivedAt()),
                now.rawStatus());
    }

    private static <T> T same(T before, T now) {
        return Objects.equals(before, now) ? before : now;
    }

    /**
     * Emits, in order: a status change to a non-terminal status, a new pull-request link, and last the
     * terminal status. Nothing when neither status nor link changed.
     *
     * @param before the snapshot seen last, or {@code null} when none was seen yet
     */
    static void diff(Job before, Job now, Instant at, Consumer<JobEvent> out) {
        JobStatus previous = before == null ? null : before.status();
        boolean statusChanged = previous != now.status();
        if (statusChanged && !now.isTerminal()) {
            out.accept(new JobEvent(JobEvent.Kind.STATUS_CHANGED, now, previous, at));
        }
        String linkBefore = before == null ? null : before.prLink();
        if (now.prLink() != null && !Objects.equals(linkBefore, now.prLink())) {
            out.accept(new JobEvent(JobEvent.Kind.PR_LINKED, now, previous, at));
        }
        if (statusChanged && now.isTerminal()) {
            out.accept(new JobEvent(JobEvent.Kind.TERMINAL, now, previous, at));
        }
    }
}
