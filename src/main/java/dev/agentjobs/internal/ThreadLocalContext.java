package dev.agentjobs.internal;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import reactor.util.context.ContextView;

/**
 * Restores the ThreadLocals an application keeps in the Reactor {@code Context} (an MDC entry, a trace) around the
 * code this library runs on its event loop on the application's behalf: the listener's callbacks. Works through
 * {@code io.micrometer:context-propagation} when it is present, the way Reactor's own {@code handle} and {@code tap}
 * do; without it, {@link #restore} does nothing and no class of that library is ever loaded (the {@code Bridge}
 * below is the only one to name them, and it is touched only once the library was found).
 *
 * <pre>{@code
 * try (ThreadLocalContext.Scope ignored = ThreadLocalContext.restore(contextView)) {
 *     listener.requestStarted(call, jobId);
 * }
 * }</pre>
 */
public final class ThreadLocalContext {

    /** What {@link #restore} returns: closing it puts the ThreadLocals back as they were. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final Scope NOTHING = () -> { };
    private static final boolean PRESENT = present();

    private ThreadLocalContext() {
    }

    /** Whether context-propagation is on the class or module path. */
    public static boolean isAvailable() {
        return PRESENT;
    }

    /**
     * Sets the ThreadLocals registered with context-propagation's {@code ContextRegistry} from {@code context}
     * until the scope is closed; a no-op when the library is absent or the context is empty (the common case, which
     * costs a field read).
     */
    public static Scope restore(ContextView context) {
        if (!PRESENT || context == null || context.isEmpty()) {
            return NOTHING;
        }
        return Bridge.restore(context);
    }

    private static boolean present() {
        try {
            Class<?> factory = Class.forName("io.micrometer.context.ContextSnapshotFactory", false,
                    ThreadLocalContext.class.getClassLoader());
            // On the module path this module reads context-propagation only when it was resolved as a module
            // ("requires static" does not resolve it): loadable but unreadable would throw IllegalAccessError on
            // the event loop at the first non-empty context.
            return ThreadLocalContext.class.getModule().canRead(factory.getModule());
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** Loaded only when context-propagation is present. */
    private static final class Bridge {
        // The registry's accessors come from ServiceLoader (reactor-core registers the one for its Context) and
        // the ThreadLocal accessors the application registered; the factory reads them at each call.
        private static final ContextSnapshotFactory FACTORY = ContextSnapshotFactory.builder().build();

        static Scope restore(ContextView context) {
            ContextSnapshot.Scope scope = FACTORY.setThreadLocalsFrom(context);
            return scope::close;
        }
    }
}
