package dev.agentjobs.simulator;

/**
 * The sliding-window log behind a {@link RateLimit}: the times of the calls still inside the window, in a ring
 * that grows only as far as the calls actually made (a generous limit costs nothing until it is used).
 * Synchronized: calls for one project are rare next to GETs, so the lock is never contended in practice.
 */
final class SlidingWindow {

    private final int limit;
    private final long windowMillis;
    private long[] stamps;
    private int head;
    private int size;

    SlidingWindow(RateLimit rateLimit) {
        this.limit = rateLimit.count();
        this.windowMillis = rateLimit.window().toMillis();
        this.stamps = new long[Math.min(limit, 16)];
    }

    /** Takes a slot at {@code now}; returns 0 when taken, else the millis until the oldest slot frees. */
    synchronized long tryAcquire(long now) {
        while (size > 0 && stamps[head] <= now - windowMillis) {
            head = (head + 1) % stamps.length;
            size--;
        }
        if (size >= limit) {
            return Math.max(1, stamps[head] + windowMillis - now);
        }
        if (size == stamps.length) {
            grow();
        }
        stamps[(head + size) % stamps.length] = now;
        size++;
        return 0;
    }

    private void grow() {
        long[] bigger = new long[(int) Math.min(limit, Math.max(16L, stamps.length * 2L))];
        for (int i = 0; i < size; i++) {
            bigger[i] = stamps[(head + i) % stamps.length];
        }
        stamps = bigger;
        head = 0;
    }
}
