package dev.agentjobs.fanout;

import java.util.ArrayList;
import java.util.List;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * Runs the steps of a create that must not be cut in half: from the claim to the ledger's record of the
 * answer. Cancelling a run cancels the wait for such a step, never the step itself, so a POST that left is
 * always followed by its {@code markCreated} (or {@code markInDoubt}) and a cancelled run leaves no
 * {@code CREATING} row behind that a crash would not have. {@link #idle()} tells when the last one ended, so a
 * caller can close the ledger after it.
 */
final class Shield {

    private final List<MonoSink<Void>> idleWaiters = new ArrayList<>();
    private int running;

    /** {@code step} started now and run to its end whatever happens to the returned {@code Mono}'s subscriber. */
    <T> Mono<T> run(Mono<T> step) {
        return Mono.defer(() -> {
            synchronized (this) {
                running++;
            }
            return Mono.fromFuture(step.doFinally(signal -> ended()).toFuture(), true);
        });
    }

    /** Completes when no shielded step is running. */
    Mono<Void> idle() {
        return Mono.create(sink -> {
            synchronized (this) {
                if (running > 0) {
                    idleWaiters.add(sink);
                    sink.onCancel(() -> {
                        synchronized (this) {
                            idleWaiters.remove(sink);
                        }
                    });
                    return;
                }
            }
            sink.success();
        });
    }

    private void ended() {
        List<MonoSink<Void>> wake;
        synchronized (this) {
            if (--running > 0 || idleWaiters.isEmpty()) {
                return;
            }
            wake = new ArrayList<>(idleWaiters);
            idleWaiters.clear();
        }
        wake.forEach(MonoSink::success);
    }
}
