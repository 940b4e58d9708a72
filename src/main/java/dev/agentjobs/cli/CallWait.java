package dev.agentjobs.cli;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.Flux;

/**
 * Hands the signals of one call (a {@code Mono<Job>} or a watch's {@code Flux<JobEvent>}) from the client's
 * event loop to the CLI's thread, which takes them one at a time and never waits past an instant it names.
 * Another thread (the shutdown hook) can {@link #cut} the wait.
 *
 * <p>Why not {@code block(timeout)} or {@code Flux.toStream()}: the first bounds one call but not a watch, the
 * second bounds nothing at all, and neither lets a signal handler wake the waiting thread. The event loop only
 * ever offers to a lock-free queue here, so it never blocks.
 */
final class CallWait<T> {

    /** No deadline: wait as long as the source takes (only after the user said {@code --deadline none}). */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final Object COMPLETE = new Object();
    private static final Object CUT = new Object();

    private final LinkedTransferQueue<Object> signals = new LinkedTransferQueue<>();
    private final Disposable subscription;
    private volatile boolean cut;

    /** Subscribes to {@code source} at once. */
    CallWait(Publisher<T> source) {
        subscription = Flux.from(source).subscribe(signals::offer, e -> signals.offer(new Failure(e)),
                () -> signals.offer(COMPLETE));
    }

    /** The source's error, held until the waiting thread takes it. */
    private record Failure(Throwable error) {
    }

    /** The wait passed its deadline; the call was cancelled. */
    static final class Expired extends Exception {
        Expired() {
            super(null, null, false, false);
        }
    }

    /** The wait was cut by {@link #cut} (or this thread was interrupted); the call was cancelled. */
    static final class Interrupted extends RuntimeException {
        Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /**
     * The next item, or {@code null} when the source completed.
     *
     * @param deadlineNanos the {@link System#nanoTime()} past which not to wait, or {@link #NO_DEADLINE}
     * @throws Expired     when nothing came before the deadline
     * @throws Interrupted when the wait was cut
     * @throws RuntimeException the source's error, as it was raised
     */
    @SuppressWarnings("unchecked")
    T next(long deadlineNanos) throws Expired {
        Object signal;
        try {
            signal = deadlineNanos == NO_DEADLINE ? signals.take()
                    : signals.poll(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.dispose();
            throw new Interrupted();
        }
        if (signal == null) {
            subscription.dispose();
            throw new Expired();
        }
        if (cut || signal == CUT) {
            throw new Interrupted();
        }
        if (signal == COMPLETE) {
            return null;
        }
        if (signal instanceof Failure f) {
            throw Exceptions.propagate(f.error());
        }
        return (T) signal;
    }

    /** Cancels the call and wakes the waiting thread, which then gets {@link Interrupted}. */
    void cut() {
        cut = true;
        subscription.dispose();
        signals.offer(CUT);
    }
}
