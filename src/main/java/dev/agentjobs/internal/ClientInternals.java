package dev.agentjobs.internal;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What a client holds that the watchers built on it need and that is no part of the public API: its metrics. The
 * client registers itself at construction, only when it has a registry (so a client without one costs nothing
 * here); the map is weak, so a client that is no longer referenced goes with its entry.
 */
public final class ClientInternals {

    private static final Map<Object, Metrics> METRICS = Collections.synchronizedMap(new WeakHashMap<>());

    private ClientInternals() {
    }

    /** Called by the client's constructor. */
    public static void register(Object client, Metrics metrics) {
        if (metrics != Metrics.NONE) {
            METRICS.put(client, metrics);
        }
    }

    /** The metrics of {@code client}, {@link Metrics#NONE} if it has none. */
    public static Metrics metrics(Object client) {
        Metrics m = METRICS.get(client);
        return m == null ? Metrics.NONE : m;
    }
}
