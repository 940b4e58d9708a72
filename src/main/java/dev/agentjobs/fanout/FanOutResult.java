package dev.agentjobs.fanout;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * How one prompt of a fan-out ended: its key, its job, its final {@link PromptState}, the pull request, or
 * what went wrong. {@code IN_DOUBT} is an end too, for the run that reports it: a person decides what follows.
 *
 * <pre>{@code
 * fanOut.fanOut(prompts, options).subscribe(r -> {
 *     if (r.state() == PromptState.COMPLETED) System.out.println(r.customId() + " " + r.prLink());
 *     else System.out.println(r.customId() + " " + r.state() + " " + r.errorKind() + ": " + r.message());
 * });
 * }</pre>
 *
 * @param customId    the prompt's key
 * @param jobId       the job, or {@code null} when none was created (or it is unknown whether one was)
 * @param state       the final state: terminal, or {@code IN_DOUBT}
 * @param prLink      the pull request the job opened, or {@code null}
 * @param errorKind   what went wrong, or {@code null} for {@code COMPLETED}, {@code FAILED} and {@code ARCHIVED}
 * @param message     the detail of the error, or {@code null}
 * @param attemptedAt when the last create was attempted, or {@code null}
 */
public record FanOutResult(String customId, String jobId, PromptState state, String prLink, ErrorKind errorKind,
                           String message, Instant attemptedAt) {

    /** What kind of trouble ended a prompt; its {@link #code()} prefixes the reason kept in the ledger. */
    public enum ErrorKind {
        /** The server refused the prompt as invalid (400): {@code REJECTED}. */
        INVALID_REQUEST,
        /** The create failed in a way that may have left a job behind: {@code IN_DOUBT}. */
        OUTCOME_UNKNOWN,
        /** A run stopped while the create was in flight; found at the next start: {@code IN_DOUBT}. */
        INTERRUPTED,
        /** The job did not end within the poll policy's deadline: {@code ERROR}. */
        DEADLINE_EXCEEDED,
        /** The job did not end within the poll policy's cap on polls: {@code ERROR}. */
        POLL_LIMIT,
        /** The server no longer knows the job (404): {@code ERROR}. */
        JOB_NOT_FOUND,
        /** Anything else on our side: {@code ERROR}. */
        OTHER;

        /** The lowercase form used in ledger reasons and output files, like {@code deadline_exceeded}. */
        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Prefixes {@code message} with this kind's code: the reason a ledger keeps. */
        String reason(String message) {
            return code() + ": " + message;
        }

        /** The kind a ledger reason starts with, or {@code null} when it starts with none. */
        static ErrorKind ofReason(String reason) {
            if (reason != null) {
                for (ErrorKind k : values()) {
                    if (reason.startsWith(k.code() + ":")) {
                        return k;
                    }
                }
            }
            return null;
        }
    }

    public FanOutResult {
        Objects.requireNonNull(customId, "customId");
        Objects.requireNonNull(state, "state");
        if (!state.isTerminal() && state != PromptState.IN_DOUBT) {
            throw new IllegalArgumentException("a result is terminal or IN_DOUBT, was " + state);
        }
    }

    /**
     * The result a ledger row tells, for a prompt that is terminal or {@code IN_DOUBT}: what
     * {@link FanOut#recorded} lists for prompts settled by earlier runs.
     */
    public static FanOutResult of(PromptRecord r) {
        return of(r.summary());
    }

    /** As {@link #of(PromptRecord)}, from a row read without its prompt text. */
    public static FanOutResult of(PromptSummary r) {
        boolean ok = r.state() == PromptState.COMPLETED || r.state() == PromptState.FAILED
                || r.state() == PromptState.ARCHIVED;
        if (ok) {
            return new FanOutResult(r.customId(), r.jobId(), r.state(), r.prLink(), null, null, r.attemptedAt());
        }
        ErrorKind kind = ErrorKind.ofReason(r.lastError());
        String message = r.lastError();
        if (kind == null) {
            kind = r.state() == PromptState.REJECTED ? ErrorKind.INVALID_REQUEST
                    : r.state() == PromptState.IN_DOUBT ? ErrorKind.OUTCOME_UNKNOWN : ErrorKind.OTHER;
        } else {
            message = message.substring(kind.code().length() + 1).strip();
        }
        return new FanOutResult(r.customId(), r.jobId(), r.state(), r.prLink(), kind, message, r.attemptedAt());
    }
}
