package dev.agentjobs.bench;

import reactor.core.publisher.Mono;

/**
 * {@code raw-netty}: a bare Reactor Netty GET per job, {@code Mono.delay(interval).then(get).repeat()},
 * no transitions, no retries, no multicast. The floor: what the HTTP work itself costs on this stack.
 */
final class RawNettyPoller extends NettyGetPoller {

    @Override
    public void watch(int job) {
        recorder.firstDue(job, System.nanoTime());
        String path = get.target().path(job);
        Mono<String> once = Mono.defer(() -> {
            recorder.sent(job);
            return get.status(path);
        }).doOnNext(status -> recorder.completed(job))
                .onErrorResume(e -> {
                    recorder.failed(job);
                    return Mono.just("error");
                });
        once.concatWith(Mono.delay(interval).then(once).repeat())
                .takeUntil(JobStatusText::isTerminal)
                .subscribe();
    }
}
