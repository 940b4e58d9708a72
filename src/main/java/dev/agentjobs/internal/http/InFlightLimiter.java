package dev.agentjobs.internal.http;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Bounds the requests in flight across a whole client. Requests beyond the bound wait here, in a FIFO queue
 * that parks no thread, instead of in Reactor Netty's pending-acquire queue, which fails fast once it holds
 * twice the pool size (REACTOR-NOTES pitfall 5).
 *
 * <p>Each {@link #limit} subscription owns one {@link Ticket}. A ticket moves once from WAITING to GRANTED
 * (by {@link #drain}) or to CANCELLED (by its own end), and a GRANTED ticket gives its permit back once.
 * Because both moves are compare-and-set, a cancel racing a grant neither leaks nor doubles a permit.
 */
final class InFlightLimiter {

    private static final int WAITING = 0;
    private static final int GRANTED = 1;
    private static final int DONE = 2;

    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Queue<Ticket> waiters = new ConcurrentLinkedQueue<>();
    /**
     * Tickets still waiting. A cancelled ticket stays in the queue (removing it from a linked queue is a scan,
     * and thousands of polls cancelled at once would make that quadratic); {@link #drain} skips it.
     */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Serialises {@link #drain}: a grant can re-enter it synchronously, and it must not recurse. */
    private final AtomicInteger wip = new AtomicInteger();

    InFlightLimiter(int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
    }

    /** {@code work}, subscribed once a permit is free; the permit returns when it ends or is cancelled. */
    <T> Mono<T> limit(Mono<T> work) {
        return Mono.defer(() -> {
            Ticket ticket = new Ticket();
            return Mono.<Void>create(sink -> {
                        ticket.sink = sink;
                        waiting.incrementAndGet();
                        waiters.offer(ticket);
                        drain();
                    })
                    .then(work)
                    // On completion or error the permit returns before the result goes downstream, so a
                    // caller holding its answer never sees the permit still taken; on cancel it returns
                    // only after the cancel reached the request (doFinally), so the next one cannot overlap
                    // it. finish() is idempotent.
                    .doOnTerminate(ticket::finish)
                    .doFinally(signal -> ticket.finish());
        });
    }

    /** Requests holding a permit now. */
    int inFlight() {
        return inFlight.get();
    }

    /** Requests waiting for a permit now (cancelled waiters no longer count). */
    int waiting() {
        return waiting.get();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            while (!waiters.isEmpty() && tryTakePermit()) {
                Ticket next = waiters.poll();
                if (next == null || !next.grant()) {
                    inFlight.decrementAndGet();
                }
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private boolean tryTakePermit() {
        for (;;) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private final class Ticket {
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile MonoSink<Void> sink;

        boolean grant() {
            if (!state.compareAndSet(WAITING, GRANTED)) {
                return false;
            }
            waiting.decrementAndGet();
            sink.success();
            return true;
        }

        void finish() {
            int s = state.getAndSet(DONE);
            if (s == WAITING) {
                waiting.decrementAndGet();
            } else if (s == GRANTED) {
                inFlight.decrementAndGet();
                drain();
            }
        }
    }
}
