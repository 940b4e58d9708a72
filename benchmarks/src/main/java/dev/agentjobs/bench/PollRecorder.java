package dev.agentjobs.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What every poller under test reports, the same way: when a poll leaves, when it completes or fails.
 *
 * <p>The schedule all pollers share is "first poll when the job is started, then {@code interval} after
 * each poll's answer" (what {@code Thread.sleep}, {@code Mono.delay(..).then(get).repeat()} and a fixed
 * poll policy all do). So a poll is due {@code interval} after the previous answer, and its lateness is
 * how long after that it actually left. Per-job state is one {@code long} in a flat array, allocated
 * before the heap baseline, so it is not counted as any poller's cost.
 */
final class PollRecorder {

    private final long intervalNanos;
    private final long[] dueNanos;
    private final long[] sentNanos;
    private final Recorder lateness = new Recorder(3);
    private final Recorder latency = new Recorder(3);
    private final LongAdder polls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile boolean measuring;

    PollRecorder(int jobs, long intervalNanos) {
        this.intervalNanos = intervalNanos;
        this.dueNanos = new long[jobs];
        this.sentNanos = new long[jobs];
    }

    long intervalNanos() {
        return intervalNanos;
    }

    /** Sets when a job's first poll is due (most pollers: when it is started; Azure: one interval later). */
    void firstDue(int job, long nanoTime) {
        dueNanos[job] = nanoTime;
    }

    /** A poll request of {@code job} is leaving now. */
    void sent(int job) {
        long now = System.nanoTime();
        sentNanos[job] = now;
        if (measuring) {
            long late = now - dueNanos[job];
            lateness.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(late)));
        }
    }

    /** A poll of {@code job} got its answer; the next one is due one interval from now. */
    void completed(int job) {
        long now = System.nanoTime();
        dueNanos[job] = now + intervalNanos;
        if (measuring) {
            polls.increment();
            // Answer time: with a fixed delay after each answer, a slow server lowers the poll rate.
            latency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(now - sentNanos[job])));
        }
    }

    /** A poll of {@code job} failed; the loops carry on, so the next one is due one interval from now. */
    void failed(int job) {
        dueNanos[job] = System.nanoTime() + intervalNanos;
        if (measuring) {
            errors.increment();
        }
    }

    /** A job's whole watch ended with an error (the poller gave up on it). */
    void watchFailed() {
        if (measuring) {
            errors.increment();
        }
    }

    /** Starts the measured window: counters from zero. */
    void startWindow() {
        polls.reset();
        errors.reset();
        lateness.reset();
        latency.reset();
        measuring = true;
    }

    /** Ends the measured window and returns what it saw. */
    Window endWindow() {
        measuring = false;
        Histogram h = lateness.getIntervalHistogram();
        Histogram a = latency.getIntervalHistogram();
        return new Window(polls.sum(), errors.sum(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0,
                a.getValueAtPercentile(50) / 1000.0, a.getValueAtPercentile(99) / 1000.0);
    }

    /** Figures of one measured window; lateness and answer times in milliseconds. */
    record Window(long polls, long errors, double p50Ms, double p99Ms, double maxMs, double answerP50Ms,
                  double answerP99Ms) {
    }
}
