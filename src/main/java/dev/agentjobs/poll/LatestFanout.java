package dev.agentjobs.poll;

import dev.agentjobs.api.JobEvent;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Exceptions;
import reactor.core.publisher.Operators;

/**
 * Multicasts a job's events to its subscribers, each subscriber getting the latest event first (a late
 * subscriber learns the current state at once), then every later one, in order, honouring its demand.
 *
 * <p>Why not {@code Sinks.many().replay().latest()}: a class histogram of 10,000 watched jobs showed the
 * sink, its serialising wrapper, replay buffer, nodes, inner and {@code doFinally} costing about 270 B per
 * job, a third of a waiting job's heap. Here a waiting job with one subscriber costs the fields below (in the
 * {@link JobLoop} that extends this class) and one small {@link Inner}; events in flight are queued per
 * subscriber only until delivered.
 *
 * <p>Concurrency: state changes happen under {@code this}'s monitor, held only for a few field updates and
 * never while a subscriber runs; delivery to each subscriber is serialised by its own work-in-progress
 * counter. Emissions are ordered by the monitor, so every subscriber sees them in one order.
 */
abstract class LatestFanout {

    private static final Inner[] NONE = new Inner[0];

    // Guarded by this. Null, the one subscriber, or an Inner[] of two or more: most jobs have exactly one
    // subscriber, and an array for it would cost a waiting job 24 bytes more.
    private Object inners;
    private JobEvent latest;
    private Throwable failure;
    private boolean terminated;

    /** Called exactly once per subscriber when it is gone: it cancelled, or its terminal signal went out. */
    abstract void subscriberGone();

    /** Registers {@code actual}; it gets the latest event (and the end, if the loop ended) at once. */
    final void subscribeEvents(CoreSubscriber<? super JobEvent> actual) {
        Inner inner = new Inner(this, actual);
        actual.onSubscribe(inner);
        synchronized (this) {
            // Checked under the monitor that cancel() takes to remove: a cancelled inner is never added.
            if (!inner.cancelled) {
                if (!terminated) {
                    add(inner);
                }
                if (latest != null) {
                    inner.enqueue(latest);
                }
                inner.terminal = terminated;
            }
        }
        inner.drain();
    }

    /** Sends {@code event} to every subscriber and keeps it as the latest; ignored after the end. */
    final void emitEvent(JobEvent event) {
        Inner[] targets;
        synchronized (this) {
            if (terminated) {
                return;
            }
            latest = event;
            targets = targets();
            for (Inner i : targets) {
                i.enqueue(event);
            }
        }
        for (Inner i : targets) {
            i.drain();
        }
    }

    /** Ends every subscriber, after the events already sent to it: completes, or fails with {@code error}. */
    final void terminateEvents(Throwable error) {
        Inner[] targets;
        synchronized (this) {
            if (terminated) {
                return;
            }
            terminated = true;
            failure = error;
            targets = targets();
            inners = null;
            for (Inner i : targets) {
                i.terminal = true;
            }
        }
        for (Inner i : targets) {
            i.drain();
        }
    }

    /** The subscribers now, as an array (emissions are rare: one per transition, so this may allocate). */
    private Inner[] targets() {
        Object current = inners;
        if (current == null) {
            return NONE;
        }
        return current instanceof Inner one ? new Inner[] {one} : (Inner[]) current;
    }

    private void add(Inner inner) {
        Object current = inners;
        if (current == null) {
            inners = inner;
            return;
        }
        Inner[] a = current instanceof Inner one ? new Inner[] {one} : (Inner[]) current;
        Inner[] b = new Inner[a.length + 1];
        System.arraycopy(a, 0, b, 0, a.length);
        b[a.length] = inner;
        inners = b;
    }

    private synchronized void remove(Inner inner) {
        Object current = inners;
        if (current == inner) {
            inners = null;
        } else if (current instanceof Inner[] a) {
            for (int i = 0; i < a.length; i++) {
                if (a[i] == inner) {
                    Inner[] b = new Inner[a.length - 1];
                    System.arraycopy(a, 0, b, 0, i);
                    System.arraycopy(a, i + 1, b, i, a.length - i - 1);
                    inners = b.length == 1 ? b[0] : b;
                    break;
                }
            }
        }
        inner.head = null;
        inner.tail = null;
    }

    /** One subscriber: its demand, its queue of undelivered events, and the serialised delivery to it. */
    static final class Inner implements Subscription {
        private static final AtomicLongFieldUpdater<Inner> REQUESTED =
                AtomicLongFieldUpdater.newUpdater(Inner.class, "requested");
        private static final AtomicIntegerFieldUpdater<Inner> WIP =
                AtomicIntegerFieldUpdater.newUpdater(Inner.class, "wip");
        private static final AtomicIntegerFieldUpdater<Inner> GONE =
                AtomicIntegerFieldUpdater.newUpdater(Inner.class, "gone");

        private final LatestFanout parent;
        private final CoreSubscriber<? super JobEvent> actual;
        private volatile long requested;
        private volatile int wip;
        private volatile int gone;
        volatile boolean cancelled;

        // Guarded by the parent's monitor.
        private Node head;
        private Node tail;
        private boolean terminal;

        // Touched only by the thread holding the work-in-progress counter.
        private boolean done;

        Inner(LatestFanout parent, CoreSubscriber<? super JobEvent> actual) {
            this.parent = parent;
            this.actual = actual;
        }

        void enqueue(JobEvent event) {
            Node n = new Node(event);
            if (tail == null) {
                head = n;
            } else {
                tail.next = n;
            }
            tail = n;
        }

        @Override
        public void request(long n) {
            if (Operators.validate(n)) {
                Operators.addCap(REQUESTED, this, n);
                drain();
            }
        }

        @Override
        public void cancel() {
            if (!cancelled) {
                cancelled = true;
                parent.remove(this);
                markGone();
            }
        }

        /**
         * Hands {@code event} to the subscriber; false when it threw. Delivery runs on the loop's thread, inside the
         * step that polled: a subscriber that breaks the Reactive Streams rule and throws from {@code onNext} would
         * otherwise end the loop for every subscriber of the job, and skip the ones after it. It alone is cancelled
         * and told, as Reactor's own operators tell a failing consumer.
         */
        private boolean deliver(JobEvent event) {
            try {
                actual.onNext(event);
                return true;
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                done = true;
                cancel();
                try {
                    actual.onError(Operators.onOperatorError(this, t, event, actual.currentContext()));
                } catch (Throwable again) {
                    Exceptions.throwIfJvmFatal(again);
                    Operators.onErrorDropped(again, actual.currentContext());
                }
                return false;
            }
        }

        private void markGone() {
            if (GONE.compareAndSet(this, 0, 1)) {
                parent.subscriberGone();
            }
        }

        void drain() {
            if (WIP.getAndIncrement(this) != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                long wanted = requested;
                long sent = 0;
                while (true) {
                    if (cancelled || done) {
                        return;
                    }
                    JobEvent next = null;
                    boolean end = false;
                    Throwable error;
                    synchronized (parent) {
                        if (head != null && sent != wanted) {
                            next = head.event;
                            head = head.next;
                            if (head == null) {
                                tail = null;
                            }
                        } else if (head == null && terminal) {
                            end = true;
                        }
                        error = parent.failure;
                    }
                    if (next != null) {
                        if (!deliver(next)) {
                            return;
                        }
                        sent++;
                    } else if (end) {
                        done = true;
                        if (error == null) {
                            actual.onComplete();
                        } else {
                            actual.onError(error);
                        }
                        markGone();
                        return;
                    } else {
                        break;
                    }
                }
                if (sent != 0 && wanted != Long.MAX_VALUE) {
                    REQUESTED.addAndGet(this, -sent);
                }
                missed = WIP.addAndGet(this, -missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }

    private static final class Node {
        final JobEvent event;
        Node next;

        Node(JobEvent event) {
            this.event = event;
        }
    }
}
