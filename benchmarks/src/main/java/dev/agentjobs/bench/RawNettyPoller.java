package dev.agentjobs.bench;

import java.time.Duration;
import reactor.core.publisher.Mono;

/**
 * {@code raw-netty}: a bare Reactor Netty GET per job, {@code Mono.delay(interval).then(get).repeat()},
 * no transitions, no retries, no multicast. The floor: what the HTTP work itself costs on this stack.
 */
final class RawNettyPoller implements Poller {

    private NettyGet get;
    private PollRecorder recorder;
    private Duration interval;

    @Override
    public void open(Target target, PollRecorder recorder) {
        this.get = new NettyGet(target);
        this.recorder = recorder;
        this.interval = Duration.ofNanos(recorder.intervalNanos());
    }

    @Override
    public void probe(int job) {
        get.status(get.target().path(job)).block(Duration.ofSeconds(30));
    }

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
