package dev.agentjobs.api;

import java.util.Locale;

/**
 * Status of an agent job as the server reports it.
 *
 * <p>{@link #UNKNOWN} stands for any value a later server version may add: decoding never fails on it,
 * and it is not terminal, so a watcher keeps polling until a known terminal status arrives.
 *
 * <pre>{@code
 * if (job.status().isTerminal()) { ... }
 * }</pre>
 */
public enum JobStatus {
    /** The agent is working on the prompt (or on a follow-up message). */
    ACTIVE("active", false),
    /** The agent finished; a pull request may have been opened (see {@link Job#prLink()}). */
    COMPLETED("completed", true),
    /** The agent hit an unrecoverable error. */
    FAILED("failed", true),
    /** The job was archived. */
    ARCHIVED("archived", true),
    /** A status this client does not know; treated as not terminal. */
    UNKNOWN("unknown", false);

    private final String wireName;
    private final boolean terminal;

    JobStatus(String wireName, boolean terminal) {
        this.wireName = wireName;
        this.terminal = terminal;
    }

    /** Whether polling ends at this status ({@code completed}, {@code failed}, {@code archived}). */
    public boolean isTerminal() {
        return terminal;
    }

    /** The value as the API writes it, for example {@code "active"}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Maps an API value to a status; {@code null}, empty and unrecognised values map to {@link #UNKNOWN}.
     * Matching ignores case and surrounding white space.
     */
    public static JobStatus fromWire(String value) {
        if (value == null) {
            return UNKNOWN;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (JobStatus s : values()) {
            if (s != UNKNOWN && s.wireName.equals(v)) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
