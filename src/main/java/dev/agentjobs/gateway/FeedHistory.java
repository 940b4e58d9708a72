package dev.agentjobs.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} frames of the all-jobs feed, by sequence number (1, 2, 3, ... with no gaps), in a
 * ring: a subscriber that resumes within it gets exactly what it missed; one that fell further behind gets a
 * snapshot instead. Guarded by the hub's lock.
 */
final class FeedHistory {

    private final Frame[] ring;
    private long last;

    FeedHistory(int capacity) {
        this.ring = new Frame[capacity];
    }

    /** The sequence number the next frame gets. */
    long nextSeq() {
        return last + 1;
    }

    /** The latest sequence number given, 0 before any. */
    long last() {
        return last;
    }

    void add(Frame frame) {
        if (frame.seq() != last + 1) {
            throw new IllegalArgumentException("feed frames must come in sequence: expected " + (last + 1)
                    + ", got " + frame.seq());
        }
        last = frame.seq();
        ring[(int) (last % ring.length)] = frame;
    }

    /** Whether every frame after {@code seq} is still held. */
    boolean holdsAfter(long seq) {
        long oldest = Math.max(1, last - ring.length + 1);
        return seq >= oldest - 1 && seq <= last;
    }

    /** The frames after {@code seq}, oldest first; check {@link #holdsAfter} first. */
    List<Frame> after(long seq) {
        List<Frame> out = new ArrayList<>((int) (last - seq));
        for (long s = seq + 1; s <= last; s++) {
            out.add(ring[(int) (s % ring.length)]);
        }
        return out;
    }
}
