package dev.agentjobs.simulator;

import java.util.concurrent.atomic.LongAdder;

/** The simulator's counters: {@link LongAdder}s, so that several event-loop threads never contend on one line. */
final class Counters {
    final LongAdder requests = new LongAdder();
    final LongAdder creates = new LongAdder();
    final LongAdder gets = new LongAdder();
    final LongAdder messages = new LongAdder();
    final LongAdder rejected429 = new LongAdder();
    final LongAdder faults = new LongAdder();
    final LongAdder scripted = new LongAdder();
    final LongAdder unauthorized = new LongAdder();
    final LongAdder badRequests = new LongAdder();
    final LongAdder notFound = new LongAdder();

    /** Counts an answer by its status, wherever in the pipeline it was decided. */
    void answered(int status) {
        switch (status) {
            case 400 -> badRequests.increment();
            case 401 -> unauthorized.increment();
            case 404 -> notFound.increment();
            case 429 -> rejected429.increment();
            default -> {
            }
        }
    }
}
