package dev.agentjobs.simulator;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Everything the simulator keeps per project: its jobs, its two rate windows and any 429 burst in progress. */
final class ProjectState {

    final ConcurrentHashMap<String, SimJob> jobs = new ConcurrentHashMap<>();
    final SlidingWindow createWindow;
    final SlidingWindow messageWindow;
    final AtomicInteger burstRemaining = new AtomicInteger();

    ProjectState(RateLimit createLimit, RateLimit messageLimit) {
        this.createWindow = createLimit.isUnlimited() ? null : new SlidingWindow(createLimit);
        this.messageWindow = messageLimit.isUnlimited() ? null : new SlidingWindow(messageLimit);
    }

    /** Consumes one 429 of a burst, if one is running. */
    boolean takeBurst() {
        while (true) {
            int left = burstRemaining.get();
            if (left <= 0) {
                return false;
            }
            if (burstRemaining.compareAndSet(left, left - 1)) {
                return true;
            }
        }
    }
}
