package dev.agentjobs.gateway;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * One open event stream's queue of live messages. The queue is bounded: Reactor Netty stops requesting while
 * the client's socket is not writable, so a client that does not read fills it, and then it is dropped with a
 * final {@code dropped} message (it reconnects with {@code Last-Event-ID} and catches up from history, or gets
 * the current state). A slow client therefore costs at most {@code capacity} shared frames, and never slows
 * the feed for the others.
 *
 * <p>Offers come only from the {@link JobHub} under its lock, which is what a unicast sink requires (one
 * producer at a time).
 */
final class Subscriber {

    private final Sinks.Many<Frame> sink;
    private final Frame droppedFrame;
    private volatile boolean dropped;
    private boolean done;

    Subscriber(int capacity, Frame droppedFrame) {
        this.sink = Sinks.many().unicast().onBackpressureBuffer(Queues.<Frame>get(capacity).get());
        this.droppedFrame = droppedFrame;
    }

    /** Queues a frame; returns {@code false} when this subscriber is gone (cancelled, completed or dropped). */
    boolean offer(Frame frame) {
        if (done) {
            return false;
        }
        Sinks.EmitResult r = sink.tryEmitNext(frame);
        if (r == Sinks.EmitResult.FAIL_OVERFLOW) {
            dropped = true;
            complete();
            return false;
        }
        if (r.isFailure()) {
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
        return sink.asFlux().concatWith(Mono.fromSupplier(() -> dropped ? droppedFrame : null));
    }
}
