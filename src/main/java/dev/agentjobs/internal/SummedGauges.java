package dev.agentjobs.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * One gauge per registry, name and tags, reading the sum of every live client's value. A registry keeps one meter
 * per id: two clients of one project (a sibling made with {@code toBuilder()}, a second watcher's client) would
 * otherwise find the first one's gauge registered and their own values never read. The gauge goes when the last
 * client reading into it closes. Registration and removal are rare (a client's build and close), so a lock is fine.
 */
final class SummedGauges {

    private static final Map<MeterRegistry, Map<String, Sum>> SUMS = new WeakHashMap<>();

    private SummedGauges() {
    }

    /** Adds {@code value} to the gauge {@code name}/{@code tags} of {@code registry}; the result removes it again. */
    static synchronized Runnable add(MeterRegistry registry, String name, String description, Tags tags,
                                     IntSupplier value) {
        String key = name + tags;
        Map<String, Sum> ofRegistry = SUMS.computeIfAbsent(registry, r -> new HashMap<>());
        Sum sum = ofRegistry.get(key);
        if (sum == null) {
            sum = new Sum();
            // Strong reference: nothing else holds the Sum, which a weak gauge would lose to GC.
            sum.gauge = Gauge.builder(name, sum, Sum::value).description(description).tags(tags)
                    .strongReference(true).register(registry);
            ofRegistry.put(key, sum);
        }
        sum.parts.add(value);
        Sum added = sum;
        return () -> remove(registry, key, added, value);
    }

    private static synchronized void remove(MeterRegistry registry, String key, Sum sum, IntSupplier value) {
        if (sum.parts.remove(value) && sum.parts.isEmpty()) {
            registry.remove(sum.gauge);
            Map<String, Sum> ofRegistry = SUMS.get(registry);
            if (ofRegistry != null) {
                ofRegistry.remove(key, sum);
            }
        }
    }

    private static final class Sum {
        final List<IntSupplier> parts = new CopyOnWriteArrayList<>();
        Gauge gauge;

        double value() {
            long total = 0;
            for (IntSupplier p : parts) {
                total += p.getAsInt();
            }
            return total;
        }
    }
}
