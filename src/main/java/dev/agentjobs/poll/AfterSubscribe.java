package dev.agentjobs.poll;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;

/**
 * Subscribes downstream to the source, then runs a hook. Reactor's {@code doOnSubscribe} runs before a
 * sink has registered the subscriber, which would let a fast first poll emit into the void.
 */
final class AfterSubscribe<T> extends FluxOperator<T, T> {

    private final Runnable hook;

    AfterSubscribe(Flux<? extends T> source, Runnable hook) {
        super(source);
        this.hook = hook;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        source.subscribe(actual);
        hook.run();
    }
}
