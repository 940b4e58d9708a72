package dev.agentjobs.bench;

import java.time.Duration;

/**
 * What the two peers built on the shared bare Netty GET ({@code raw-netty}, {@code azure-poller}) have in
 * common: the client, the recorder, the interval and the probe. They differ only in how they repeat.
 */
abstract class NettyGetPoller implements Poller {

    NettyGet get;
    PollRecorder recorder;
    Duration interval;

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
}
