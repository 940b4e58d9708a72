package dev.agentjobs.gateway;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Sinks;

/**
 * One subscription of the hub to the watch engine (a submit, a watch or a follow-up) and the first result it
 * owes the HTTP request that started it. A follow-up's attempt replaces the channel's current one only once the
 * message was accepted (its first event), so a refused message leaves the running watch alone.
 */
final class Attempt {

    final Disposable.Swap subscription = Disposables.swap();
    final Sinks.One<JobChannel> first = Sinks.one();
    /** The channel, or {@code null} for a submit until the job exists. Guarded by the hub's lock. */
    JobChannel channel;
    /** Whether an event arrived. Guarded by the hub's lock. */
    boolean started;

    Attempt(JobChannel channel) {
        this.channel = channel;
    }
}
