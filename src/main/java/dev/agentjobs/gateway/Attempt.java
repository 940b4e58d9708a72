package dev.agentjobs.gateway;

import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One subscription of the hub to the watch engine (a submit, a watch or a follow-up) and the first result it
 * owes the HTTP request that started it. A follow-up's attempt replaces the channel's current one only once the
 * message was accepted (its first event), so a refused message leaves the running watch alone.
 */
final class Attempt {

    /** What started the subscription: it decides what the ledger records at its first event. */
    enum Kind {
        /** A create: the job is recorded by the write-ahead of the create itself. */
        CREATE,
        /** A watch of a job by id: recorded when the gateway did not know it. */
        WATCH,
        /** A follow-up message: the job is active again, its ended row reopened. */
        FOLLOW_UP
    }

    final Kind kind;
    final Disposable.Swap subscription = Disposables.swap();
    final Sinks.One<JobChannel> first = Sinks.one();
    /** The channel, or {@code null} for a submit until the job exists. Guarded by the hub's lock. */
    JobChannel channel;
    /** Whether an event arrived. Guarded by the hub's lock. */
    boolean started;
    /** The ledger's write for the first event, durable when this completes; set before {@link #first} is. */
    volatile Mono<Void> recorded = Mono.empty();

    Attempt(Kind kind, JobChannel channel) {
        this.kind = kind;
        this.channel = channel;
    }
}
