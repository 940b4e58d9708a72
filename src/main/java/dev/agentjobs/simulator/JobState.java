package dev.agentjobs.simulator;

/** A simulated job's status, as the simulator writes it on the wire. */
public enum JobState {
    ACTIVE("active"),
    COMPLETED("completed"),
    FAILED("failed"),
    ARCHIVED("archived");

    private final String wireName;

    JobState(String wireName) {
        this.wireName = wireName;
    }

    /** The JSON value, for example {@code "active"}. */
    public String wireName() {
        return wireName;
    }
}
