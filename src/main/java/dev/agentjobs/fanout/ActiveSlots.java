package dev.agentjobs.fanout;

import java.util.ArrayDeque;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A non-blocking semaphore: work waits for a slot in a queue of sinks, never on a thread. A run uses two: the
 * bound on jobs creating or active at once ({@link FanOutOptions#maxActive()}, where jobs found active at the
 * start take their slot unconditionally: they exist already, only new creates wait), and the bound on creates
 * in flight.
 *
 * <p>A wait that is cancelled gives up its place; a slot granted to a run that is then cancelled is not given
 * back, since a cancelled run has nothing left to grant it to.
 */
final class ActiveSlots {

    private final int max;
    private final ArrayDeque<MonoSink<Void>> waiting = new ArrayDeque<>();
    private int taken;

    ActiveSlots(int max) {
        this.max = max;
    }

    /** Completes once a slot is the caller's; {@link #release()} gives it back. */
    Mono<Void> acquire() {
        return Mono.create(sink -> {
            synchronized (this) {
                if (taken >= max) {
                    waiting.add(sink);
                    sink.onCancel(() -> {
                        synchronized (this) {
                            waiting.remove(sink);
                        }
                    });
                    return;
                }
                taken++;
            }
            sink.success();
        });
    }

    /** Takes a slot even past the bound. */
    synchronized void force() {
        taken++;
    }

    /**
     * Gives a slot back; the longest waiter gets it, unless slots taken past the bound ({@link #force()}) are
     * still being worked off: then the slot is only freed, so the bound holds again once they have ended.
     */
    void release() {
        MonoSink<Void> next;
        synchronized (this) {
            next = taken > max ? null : waiting.poll();
            if (next == null) {
                taken--;
                return;
            }
            // The slot passes straight to the waiter: taken stays as it is.
        }
        next.success();
    }

    synchronized int taken() {
        return taken;
    }
}
