package dev.agentjobs.cli;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.TransportException;
import dev.agentjobs.api.WatchLimitExceededException;
import java.time.Duration;

/**
 * What a command has sent so far, updated by the command's thread and read by the shutdown hook: enough to tell
 * the user, when the command is stopped or cut by its bound, what may exist on the server and how to resume.
 *
 * <pre>{@code
 * progress.createSent();          // Ctrl-C now: "a create may have been sent"
 * progress.jobKnown("job_1");     // Ctrl-C now: "resume with 'agentjobs watch job_1'"
 * progress.finished();            // the hook that runs at exit stays silent
 * }</pre>
 */
final class Progress {

    private enum Stage { NOTHING_SENT, CREATE_SENT, MESSAGE_SENT, JOB_KNOWN, FINISHED }

    private Stage stage = Stage.NOTHING_SENT;
    private String jobId;

    /** A create is on its way: from now on, a job may exist whose id is not known. */
    synchronized void createSent() {
        move(Stage.CREATE_SENT, null);
    }

    /** A message to {@code id} is on its way. */
    synchronized void messageSent(String id) {
        move(Stage.MESSAGE_SENT, id);
    }

    /** The job is known by {@code id} (created, answered, or being watched). */
    synchronized void jobKnown(String id) {
        move(Stage.JOB_KNOWN, id);
    }

    /** Whether a create or message is on its way, unanswered: a wait cut now leaves its outcome unknown. */
    synchronized boolean awaitingAnswer() {
        return stage == Stage.CREATE_SENT || stage == Stage.MESSAGE_SENT;
    }

    /** The command ended on its own; nothing more to tell. */
    synchronized void finished() {
        stage = Stage.FINISHED;
    }

    /**
     * Marks the command stopped and says, in one line, what may exist on the server and how to resume;
     * {@code null} when the command had already finished (the JVM runs the hook at every exit).
     */
    synchronized String interrupt() {
        if (stage == Stage.FINISHED) {
            return null;
        }
        String line = switch (stage) {
            case NOTHING_SENT -> "interrupted; nothing was created or sent";
            case CREATE_SENT -> "interrupted while creating the job: the create may have been sent, so a job may"
                    + " exist, but its id is unknown";
            case MESSAGE_SENT -> "interrupted: the message to job " + jobId + " may have been sent; resume with '"
                    + resume() + "'";
            case JOB_KNOWN -> "interrupted; job " + jobId + " goes on without us: resume with '" + resume() + "'";
            case FINISHED -> throw new IllegalStateException("unreachable");
        };
        stage = Stage.FINISHED;
        return line;
    }

    /**
     * The error for a wait that passed its {@code bound}: outcome unknown (exit 5) when a create or message had
     * no answer, deadline exceeded (exit 4) for a job being watched, a transport error (exit 3) for a read.
     */
    synchronized AgentJobsException expired(Duration bound, boolean watching) {
        String within = " within " + text(bound);
        return switch (stage) {
            case CREATE_SENT -> new OutcomeUnknownException("create: no answer" + within + "; the create may have"
                    + " been sent, so a job may exist, but its id is unknown", null, null);
            case MESSAGE_SENT -> new OutcomeUnknownException("message to job " + TerminalText.abbreviate(jobId)
                    + ": no answer" + within + "; it may have been sent", jobId, null);
            case JOB_KNOWN -> watching
                    ? new WatchLimitExceededException(WatchLimitExceededException.Limit.DEADLINE, jobId,
                            "job " + TerminalText.abbreviate(jobId) + ": no terminal status within the deadline of "
                                    + text(bound))
                    : new TransportException("job " + TerminalText.abbreviate(jobId) + ": no answer" + within,
                            jobId, null);
            case NOTHING_SENT, FINISHED -> new TransportException("no answer" + within, jobId, null);
        };
    }

    private void move(Stage next, String id) {
        if (stage != Stage.FINISHED) {
            stage = next;
            if (id != null) {
                jobId = id;
            }
        }
    }

    /** The command that resumes: the whole id (cutting it would make the command useless), shell-quoted. */
    private String resume() {
        return "agentjobs watch " + shellQuoted(jobId);
    }

    static String shellQuoted(String s) {
        return s.matches("[A-Za-z0-9_.:/=+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** {@code 5m}, {@code 1s}, {@code 300ms}: the way the flags spell durations. */
    static String text(Duration d) {
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
