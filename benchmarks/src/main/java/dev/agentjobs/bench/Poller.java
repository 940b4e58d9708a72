package dev.agentjobs.bench;

import java.util.Map;

/**
 * One implementation under test: a way of watching many jobs by polling them on the shared schedule
 * described in {@link PollRecorder}. Each runs alone in a fresh JVM started by {@link ClientRunner}.
 */
interface Poller {

    /** Builds the HTTP client and whatever else the implementation shares between jobs. */
    void open(Target target, PollRecorder recorder) throws Exception;

    /**
     * Sends one GET for {@code job} and waits for it, so connections, classes and lazily created threads
     * exist before the empty-heap baseline is taken.
     */
    void probe(int job) throws Exception;

    /** Starts watching {@code job}: its first poll now (or as the implementation's schedule says). */
    void watch(int job);

    /** How this implementation was set up (policy, executor, ...), for its line of results; after the probe. */
    default Map<String, Object> setup() {
        return Map.of();
    }
}
