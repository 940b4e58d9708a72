package dev.agentjobs.cli;

import dev.agentjobs.api.Job;
import dev.agentjobs.api.OutcomeUnknownException;
import dev.agentjobs.api.WatchLimitExceededException;
import picocli.CommandLine;

/**
 * The process exit codes, and which outcome or error maps to which. Scripts depend on these numbers: they
 * only ever grow.
 *
 * <pre>{@code
 * agentjobs run "Fix the typo"; case $? in 0) echo merged-ready;; 1) echo failed;; 5) echo check-first;; esac
 * }</pre>
 */
final class ExitCodes {

    /** Success; for a command that waits, the job completed. */
    static final int OK = 0;
    /** The job the command waited for ended {@code failed} or {@code archived}. */
    static final int JOB_FAILED = 1;
    /** Usage or invalid input; nothing was sent. */
    static final int USAGE = 2;
    /** The API answered with an error, or the transport failed. */
    static final int API_ERROR = 3;
    /** The watch passed its deadline (or its cap on polls) before the job ended. */
    static final int DEADLINE = 4;
    /** A create or message may or may not have taken effect: check before trying again. */
    static final int OUTCOME_UNKNOWN = 5;
    /** Stopped by Ctrl-C (the shell's 128 + SIGINT); one line on stderr said what may exist and how to resume. */
    static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The code for a job a command waited for: 0 when it completed, 1 when it failed or was archived. */
    static int forFinalJob(Job job) {
        return switch (job.status()) {
            case COMPLETED -> OK;
            case FAILED, ARCHIVED -> JOB_FAILED;
            // The watcher only ends on a terminal status; anything else means the contract broke.
            case ACTIVE, UNKNOWN -> API_ERROR;
        };
    }

    /** The code for an error that ended a command. */
    static int forError(Throwable error) {
        if (error instanceof CommandLine.ParameterException || error instanceof UsageException
                || error instanceof IllegalArgumentException) {
            // IllegalArgumentException is what the client's own input checks throw, before any byte is sent.
            return USAGE;
        }
        if (error instanceof CallWait.Interrupted) {
            return INTERRUPTED;
        }
        if (error instanceof OutcomeUnknownException) {
            return OUTCOME_UNKNOWN;
        }
        if (error instanceof WatchLimitExceededException) {
            return DEADLINE;
        }
        // Any other AgentJobsException is an API or transport error; so, for want of a better number, is a
        // failure the library did not type (it still gets its one line on stderr).
        return API_ERROR;
    }
}
