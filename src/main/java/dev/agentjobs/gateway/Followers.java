package dev.agentjobs.gateway;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The open streams of one feed (a job's, or the all-jobs one). Guarded by the hub's lock. A stream leaves when it
 * ends ({@link #remove}, from the hub's release) or, if its client vanished unnoticed, at the next offer.
 */
final class Followers {

    private final Set<Subscriber> subscribers = new LinkedHashSet<>(4);

    void add(Subscriber s) {
        s.home = this;
        subscribers.add(s);
    }

    void remove(Subscriber s) {
        subscribers.remove(s);
    }

    /** Offers a frame to every stream, dropping the ones that are gone; then ends them all if asked. */
    void offer(Frame frame, boolean thenComplete) {
        for (Iterator<Subscriber> it = subscribers.iterator(); it.hasNext(); ) {
            Subscriber s = it.next();
            if (!s.offer(frame) || thenComplete) {
                s.complete();
                it.remove();
            }
        }
    }

    /** Ends every stream after what is queued. */
    void completeAll() {
        subscribers.forEach(Subscriber::complete);
        subscribers.clear();
    }

    int size() {
        return subscribers.size();
    }
}
