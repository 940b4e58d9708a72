package dev.agentjobs.internal.http;

/**
 * Returns one shared instance for strings that repeat, so a hundred thousand job snapshots do not each hold
 * their own copy of the same repository URL. A fixed array indexed by hash: a miss replaces the slot, so it
 * never grows and never needs eviction. Unsynchronised on purpose: slots hold immutable strings and a lost
 * race only costs a copy.
 */
final class StringCache {

    private final String[] slots;
    private final int mask;

    /** @param size a power of two */
    StringCache(int size) {
        if (Integer.bitCount(size) != 1) {
            throw new IllegalArgumentException("size must be a power of two, was " + size);
        }
        this.slots = new String[size];
        this.mask = size - 1;
    }

    /** The cached instance equal to {@code value}, or {@code value} itself (now cached); null stays null. */
    String canonical(String value) {
        if (value == null) {
            return null;
        }
        int h = value.hashCode();
        int i = (h ^ (h >>> 16)) & mask;
        String cached = slots[i];
        if (value.equals(cached)) {
            return cached;
        }
        slots[i] = value;
        return value;
    }
}
