package dev.agentjobs.gateway;

import java.util.concurrent.ConcurrentHashMap;

/** Open event streams per principal, capped: past the cap a new stream gets 429 until one closes. */
final class StreamQuota {

    private final int maxPerPrincipal;
    // compute() runs each update atomically per key, so a release racing an acquire can never lose a count.
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    StreamQuota(int maxPerPrincipal) {
        this.maxPerPrincipal = maxPerPrincipal;
    }

    /** Takes a slot; {@code false} when the principal has its cap of streams open. */
    boolean tryAcquire(String principal) {
        boolean[] taken = {false};
        open.compute(principal, (p, n) -> {
            int v = n == null ? 0 : n;
            if (v >= maxPerPrincipal) {
                return n;
            }
            taken[0] = true;
            return v + 1;
        });
        return taken[0];
    }

    void release(String principal) {
        open.computeIfPresent(principal, (p, n) -> n <= 1 ? null : n - 1);
    }

    int total() {
        return open.values().stream().mapToInt(Integer::intValue).sum();
    }
}
