package dev.agentjobs.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import reactor.core.scheduler.Scheduler;

/**
 * A clock that reads a scheduler's time, so events, deadlines and the breaker's open period all follow
 * virtual time in tests (and the same time source as the poll timers otherwise).
 */
public final class SchedulerClock extends Clock {

    private final Scheduler scheduler;
    private final ZoneId zone;

    public SchedulerClock(Scheduler scheduler) {
        this(scheduler, ZoneOffset.UTC);
    }

    private SchedulerClock(Scheduler scheduler, ZoneId zone) {
        this.scheduler = scheduler;
        this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new SchedulerClock(scheduler, newZone);
    }

    @Override
    public long millis() {
        return scheduler.now(TimeUnit.MILLISECONDS);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }
}
