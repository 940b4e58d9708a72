package dev.agentjobs.gateway;

import dev.agentjobs.api.JobEvent;
import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Sinks;

/**
 * What the gateway knows of one job: every transition it has seen (a job has a handful, so all are kept while
 * the job is known), the subscribers of its own stream, and the one watch that feeds it. Guarded by the
 * {@link JobHub}'s lock; only {@link #ready} is touched outside it.
 */
final class JobChannel {

    final String jobId;
    /** When the gateway first learned of the job: {@code /jobs} lists newest first by it. */
    final long order;
    final List<Frame> history = new ArrayList<>(4);
    final Followers followers = new Followers();
    /** Completes when the job's first state is known, or the upstream is being retried; fails if there is none. */
    final Sinks.One<JobChannel> ready = Sinks.one();
    JobEvent latest;
    /** The watch feeding this channel, or {@code null} when none runs (terminal, or its watch ended). */
    Attempt attempt;
    boolean retrying;
    boolean gone;

    JobChannel(String jobId, long order) {
        this.jobId = jobId;
        this.order = order;
    }

    /** Whether the watch told the end (a PR link seen with the final status comes just before it). */
    boolean isTerminal() {
        return latest != null && latest.kind() == JobEvent.Kind.TERMINAL;
    }
}
