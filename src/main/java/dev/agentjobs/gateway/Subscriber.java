package dev.agentjobs.gateway;

import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One open event stream's queue of live messages. The queue is bounded: Reactor Netty stops requesting while
 * the client's socket is not writable, so a client that does not read fills it, and then it is dropped with a
 * final {@code dropped} message (it reconnects with {@code Last-Event-ID} and catches up from history, or gets
 * the current state). A slow client therefore costs at most {@code capacity} shared frames, and never slows
 * the feed for the others. The queue grows in small links as needed: an idle subscriber holds a few slots, not
 * {@code capacity}.
 *
 * <p>Offers come only from the {@link JobHub} under its lock, which is what a unicast sink requires (one
 * producer at a time).
 */
final class Subscriber {

    private final Sinks.Many<Frame> sink =
            Sinks.many().unicast().onBackpressureBuffer(Queues.<Frame>unbounded(8).get());
    private final int capacity;
    private final Frame droppedFrame;
    /** Frames offered and not yet taken downstream: the backlog the capacity bounds. */
    private final AtomicInteger queued = new AtomicInteger();
    private volatile boolean dropped;
    private boolean done;
    /** The hub's set this subscriber is in, so that it can leave it when its stream ends. */
    Followers home;

    Subscriber(int capacity, Frame droppedFrame) {
        this.capacity = capacity;
        this.droppedFrame = droppedFrame;
    }

    /** Queues a frame; returns {@code false} when this subscriber is gone (cancelled, completed or dropped). */
    boolean offer(Frame frame) {
        if (done) {
            return false;
        }
        if (queued.get() >= capacity) {
            dropped = true;
            complete();
            return false;
        }
        queued.incrementAndGet();
        if (sink.tryEmitNext(frame).isFailure()) {
            // Cancelled or terminated: the stream's client went away.
            done = true;
            return false;
        }
        return true;
    }

    /** Ends the stream after what is queued. */
    void complete() {
        done = true;
        sink.tryEmitComplete();
    }

    boolean isDone() {
        return done;
    }

    /** The live frames, then the {@code dropped} message when the queue overflowed. */
    Flux<Frame> frames() {
        return sink.asFlux().doOnNext(f -> queued.decrementAndGet())
                .concatWith(Mono.fromSupplier(() -> dropped ? droppedFrame : null));
    }
}
