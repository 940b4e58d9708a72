package dev.agentjobs.simulator;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last {@code capacity} requests, oldest first. The event loop only appends and releases permits (never
 * parks); a test thread waits on the semaphore in {@link #take(Duration)}.
 */
final class RequestLog {

    private final int capacity;
    private final ConcurrentLinkedDeque<RecordedRequest> entries = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();
    private final Semaphore available = new Semaphore(0);

    RequestLog(int capacity) {
        this.capacity = capacity;
    }

    boolean enabled() {
        return capacity > 0;
    }

    void add(RecordedRequest request) {
        entries.addLast(request);
        if (size.incrementAndGet() > capacity && entries.pollFirst() != null) {
            size.decrementAndGet();
            available.tryAcquire();
        }
        available.release();
    }

    /** Removes and returns the oldest request, waiting up to {@code timeout}; {@code null} if none came. */
    RecordedRequest take(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (available.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            RecordedRequest r = entries.pollFirst();
            if (r != null) {
                size.decrementAndGet();
                return r;
            }
            // The permit belonged to an entry that overflow already dropped: wait for the next one.
        }
        return null;
    }

    List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }
}
