package dev.agentjobs.fanout;

import java.util.Objects;

/**
 * A ledger refused to open or to take a write. The message says which file and what to do; it never holds a
 * secret. The command line maps {@link Reason#NOT_A_LEDGER}, {@link Reason#NEWER_VERSION} and
 * {@link Reason#INPUT_CHANGED} and {@link Reason#LOCKED} to exit code 2 (nothing sent).
 */
public final class LedgerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why. */
    public enum Reason {
        /** The file exists but is not an agentjobs ledger (another application id, or not SQLite at all). */
        NOT_A_LEDGER,
        /** The ledger was written by a newer agentjobs whose schema this version does not know. */
        NEWER_VERSION,
        /** A {@code custom_id} already in the ledger comes with another prompt or project than recorded. */
        INPUT_CHANGED,
        /** A prompt was asked to move in a way its current state does not allow. */
        ILLEGAL_TRANSITION,
        /** Another run holds the ledger's {@link LedgerLock}: two runs on one ledger would take each other's creates
         *  in flight for a crash's. */
        LOCKED,
        /** The storage failed (I/O, disk full, locked past the busy timeout, closed ledger). */
        STORAGE
    }

    private final Reason reason;

    public LedgerException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public LedgerException(Reason reason, String message) {
        this(reason, message, null);
    }

    public Reason reason() {
        return reason;
    }
}
