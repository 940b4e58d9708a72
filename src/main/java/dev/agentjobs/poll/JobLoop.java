package dev.agentjobs.poll;

import dev.agentjobs.api.AgentJobsException;
import dev.agentjobs.api.Job;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobStatus;
import dev.agentjobs.api.WatchLimitExceededException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.Exceptions;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * The one poll loop of one job, shared by all its subscribers.
 *
 * <p>It is a plain timer chain rather than an operator pipeline ({@code Mono.delay(...).repeat()}): one
 * scheduled task or one request in flight at a time, so a waiting job costs this object, its last
 * snapshot and one timer entry (see REACTOR-NOTES: what each timer captures is what costs at 100k jobs).
 * Only one step runs at a time (a timer fires, its request completes, the next timer is set), so the poll
 * state needs no lock; what subscribers' threads touch (the subscriber count, the stop, a follow-up's mark on
 * the poll numbers) is guarded by {@code this}.
 */
final class JobLoop extends LatestFanout implements Runnable {

    private final WatchEngine engine;
    final String jobId;

    // Guarded by this.
    private int subscribers;
    private boolean started;
    private boolean stopped;
    // Polls are numbered from 1 (guarded by this, so a joining follow-up reads a number no poll sent after it
    // can have). Polls numbered up to followUpAfterPoll were sent before the latest follow-up's message was
    // accepted: what they read is the job before that message, so it can neither end the watch nor count as
    // the "active" the follow-up waits for. Ints: 2^31 polls at the 100 ms floor take almost seven years, and
    // each long costs a waiting job 4 bytes more.
    private int polls;
    private int followUpAfterPoll;
    // What the duration model may learn from this job (guarded by this): the age at which a poll last read it
    // running, or one of the two marks below. A job resumed by id is not learned from (only jobs that lasted
    // until the watch began are seen: a biased sample), a followed-up one neither planned by age nor learned
    // from (its new run does not start at its creation).
    private long runningAgeMillis = RESUMED;
    private static final long RESUMED = -1;
    private static final long FOLLOWED_UP = -2;
    /** This job's part in the model's shift test while it is learned from (guarded by this); else null. */
    private ShiftDetector.Ticket ticket;

    /** The timer or the request of the current step, whichever is live: what a stop must cancel. */
    private volatile Disposable pending;
    /** Until when a terminal status is taken for the state before a follow-up; 0 when not waiting. */
    private volatile long awaitActiveUntilMillis;

    // Poll state: touched by one step at a time.
    private Job last;
    private long startedAtMillis;
    private int successfulPolls;
    private int failures;

    JobLoop(WatchEngine engine, String jobId) {
        this.engine = engine;
        this.jobId = jobId;
    }

    /**
     * The events of this loop for one subscriber, counted from its subscription until it ends or cancels.
     * The loop, not a refCount operator, owns the multicast, so the last subscriber leaving stops the polls
     * and nothing restarts them behind a caller's back (REACTOR-NOTES pitfall 8). {@code afterSubscribe}
     * runs once the subscriber is registered, so a loop started there cannot emit before it listens.
     */
    Flux<JobEvent> events(Runnable afterSubscribe) {
        return new Flux<>() {
            @Override
            public void subscribe(CoreSubscriber<? super JobEvent> actual) {
                subscribeEvents(actual);
                afterSubscribe.run();
            }
        };
    }

    @Override
    void subscriberGone() {
        removeSubscriber();
    }

    /**
     * Registers a subscriber; false when the loop already stopped (or is ending) and a fresh one must be made.
     * A follow-up ({@code followUpAnswer}, the message's answer, not null) marks every poll sent so far as
     * older than its message, and unless the answer shows {@code active}, starts the policy's follow-up grace.
     * Both happen here, under the same lock as the check that the loop still runs, so a loop that ends on an
     * older status refuses the follow-up instead of ending it.
     */
    synchronized boolean tryAddSubscriber(Job followUpAnswer) {
        if (stopped) {
            return false;
        }
        subscribers++;
        if (followUpAnswer != null) {
            followUpAfterPoll = polls;
            runningAgeMillis = FOLLOWED_UP;
            if (followUpAnswer.status() != JobStatus.ACTIVE) {
                awaitActiveUntilMillis = PollPolicy.plusSaturated(engine.nowMillis(),
                        engine.policy.followUpGrace().toMillis());
            }
        }
        return true;
    }

    /**
     * Starts polling after {@code firstDelayMillis}, once; a later call only joins. {@code seed}, when given,
     * is the state this engine already knows (a job it just created, or the answer to a follow-up message)
     * and {@code seedEvent} the event that tells it, the first event of a new loop. A seed that is terminal,
     * other than a follow-up's, ends the loop at once with {@code TERMINAL}: polling it would only repeat it.
     */
    void start(long firstDelayMillis, Job seed, JobEvent seedEvent, boolean followUp) {
        boolean first;
        synchronized (this) {
            if (stopped) {
                return;
            }
            first = !started;
            started = true;
        }
        if (!first) {
            // Joined a running loop: its subscribers already saw the state; the seed would repeat it.
            return;
        }
        startedAtMillis = engine.nowMillis();
        if (seedEvent != null) {
            emit(seedEvent);
        }
        if (seed != null && seed.isTerminal() && !followUp) {
            // A create answered with a status that ends polling: CREATED, then TERMINAL on the same snapshot,
            // previous null as no other status was ever seen; no GET, which could only repeat the state.
            emit(new JobEvent(JobEvent.Kind.TERMINAL, seed, null, engine.clock.instant()));
            finish(null);
            return;
        }
        last = seed;
        if (seed != null && !followUp && engine.planner != null) {
            // A job this engine created: watched from its birth, so its duration can be learned.
            startLearning(engine.ageMillis(seed, startedAtMillis));
        }
        schedule(firstDelayMillis);
    }

    @Override
    public void run() {
        if (deadlinePassed()) {
            finish(new WatchLimitExceededException(WatchLimitExceededException.Limit.DEADLINE, jobId,
                    "job '" + jobId + "': no terminal status within the deadline of " + engine.policy.deadline()));
            return;
        }
        Poll poll;
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (polls < Integer.MAX_VALUE) {
                polls++;
            }
            poll = new Poll(polls);
        }
        // Published before subscribing: an answer that comes back at once (an open breaker's) sets the next
        // timer as the pending step, and must not be overwritten by this finished request afterwards.
        pending = poll;
        engine.api.get(jobId)
                .transformDeferred(CircuitBreakerOperator.of(engine.breaker))
                .subscribe(poll);
        if (isStopped()) {
            poll.dispose();
        }
    }

    /** One poll's answer; any failure in handling it ends the watch with that failure, never silently. */
    private final class Poll extends BaseSubscriber<Job> {
        private final int number;
        private boolean answered;

        Poll(int number) {
            this.number = number;
        }

        @Override
        protected void hookOnNext(Job job) {
            answered = true;
            try {
                onJob(job, number);
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                finish(t);
            }
        }

        @Override
        protected void hookOnError(Throwable error) {
            try {
                onPollError(error);
            } catch (Throwable t) {
                Exceptions.throwIfJvmFatal(t);
                finish(t);
            }
        }

        @Override
        protected void hookOnComplete() {
            if (!answered) {
                // An empty answer breaks the JobsApi contract (a job or an error); waiting for another poll
                // would hide the bug behind a watch that never ends, so the watch ends, saying why.
                finish(new IllegalStateException("GET job '" + jobId + "' completed without a job: a JobsApi"
                        + " must answer with a job or an error"));
            }
        }
    }

    private void onJob(Job job, int number) {
        failures = 0;
        if (successfulPolls < Integer.MAX_VALUE) {
            successfulPolls++;
        }
        long age = engine.planner == null ? 0 : engine.ageMillis(job, startedAtMillis);
        if (!job.isTerminal() && engine.planner != null) {
            noteRunning(age);
        }
        boolean afterFollowUp = sentAfterFollowUp(number);
        if (afterFollowUp && job.status() == JobStatus.ACTIVE) {
            awaitActiveUntilMillis = 0;
        }
        // A terminal status ends the loop only if it was read after every follow-up's message and outside a
        // follow-up's grace; the claim re-checks the first under the lock a joining follow-up takes.
        boolean ending = job.isTerminal() && afterFollowUp && awaitActiveUntilMillis <= engine.nowMillis()
                && claimEnd(number);
        if (ending || !job.isTerminal()) {
            if (Transitions.isChange(last, job)) {
                // Only a change replaces the kept snapshot, and the new one shares what did not change with
                // the old: a waiting job holds one snapshot, not one per poll.
                Job kept = Transitions.sharing(last, job);
                Transitions.diff(last, kept, engine.clock.instant(), this::emit);
                last = kept;
            } else if (ending) {
                // A follow-up whose grace ran out without showing active: the watch still ends with TERMINAL.
                emit(new JobEvent(JobEvent.Kind.TERMINAL, Transitions.sharing(last, job), last.status(),
                        engine.clock.instant()));
            }
            if (ending) {
                try {
                    learnEnd(age);
                } finally {
                    // The loop already claimed its end: a failing model must not leave it registered and its
                    // subscribers waiting (finish() would return at once now).
                    end(null);
                }
                return;
            }
        }
        if (!pollLimitHit()) {
            long planned = engine.planner != null && !followedUp() ? engine.planner.gapMillis(age)
                    : engine.policy.nominalIntervalMillis(successfulPolls);
            schedule(PollPolicy.pollGapMillis(engine.policy.jittered(planned, engine.random())));
        }
    }

    // The model is only ever called without this loop's lock: a refit takes the model's lock, then each
    // loop's (runningAgeMillis), so the other order could deadlock.
    private void startLearning(long ageMillis) {
        DurationModel model = engine.planner.model();
        ShiftDetector.Ticket t = model.startJob();
        boolean taken;
        synchronized (this) {
            taken = runningAgeMillis == RESUMED;
            if (taken) {
                runningAgeMillis = ageMillis;
                ticket = t;
            }
        }
        if (!taken && t != null) {
            model.abandon(t);
        }
    }

    /** A poll read the job running at this age: the latest lower bound of its duration. */
    private void noteRunning(long ageMillis) {
        ShiftDetector.Ticket settled = null;
        ShiftDetector.Ticket dropped = null;
        synchronized (this) {
            if (runningAgeMillis >= 0) {
                runningAgeMillis = ageMillis;
                if (ticket != null && ticket.settledByRunningAt(ageMillis)) {
                    settled = ticket;
                }
            } else if (ticket != null) {
                // Followed up since: its new run does not start at its creation, so it is not judged either.
                dropped = ticket;
                ticket = null;
            }
        }
        if (settled != null) {
            engine.planner.model().settleRunning(settled, ageMillis);
        }
        if (dropped != null) {
            engine.planner.model().abandon(dropped);
        }
    }

    /**
     * The age this job was last seen running at, if it is learned from and its shift-test ticket (if any) is
     * at least {@code fromSeq}; negative otherwise.
     */
    synchronized long runningAgeMillis(long fromSeq) {
        return ticket != null && ticket.seq < fromSeq ? -1 : runningAgeMillis;
    }

    private synchronized boolean followedUp() {
        return runningAgeMillis == FOLLOWED_UP;
    }

    /** The job ended, read at {@code endAgeMillis}: an interval-censored duration, if this watch saw it begin. */
    private void learnEnd(long endAgeMillis) {
        long running;
        ShiftDetector.Ticket t;
        synchronized (this) {
            running = runningAgeMillis;
            t = ticket;
            ticket = null;
        }
        if (running >= 0) {
            engine.planner.model().observeEnded(running, endAgeMillis, t);
        } else if (t != null) {
            engine.planner.model().abandon(t);
        }
    }

    /** The watch stopped with the job still running: a right-censored duration, if this watch saw it begin. */
    private void learnStopped() {
        long running;
        ShiftDetector.Ticket t;
        synchronized (this) {
            running = runningAgeMillis;
            runningAgeMillis = RESUMED;
            t = ticket;
            ticket = null;
        }
        if (running >= 0) {
            engine.planner.model().observeRunning(running, t);
        } else if (t != null) {
            engine.planner.model().abandon(t);
        }
    }

    private void onPollError(Throwable error) {
        long delay;
        if (error instanceof CallNotPermittedException) {
            // The breaker holds polls back: no request left, so this does not count as a poll. While it is
            // open, wait out its open period; half-open, it admits a few trial polls, so try again soon.
            synchronized (this) {
                polls--;
            }
            long wait = engine.breaker.getState() == CircuitBreaker.State.HALF_OPEN
                    ? engine.policy.interval().toMillis() : engine.breakerWaitMillis();
            delay = PollPolicy.pollGapMillis(engine.policy.jittered(wait, engine.random()));
        } else if (WatchEngine.isTransient(error)) {
            if (failures < Integer.MAX_VALUE) {
                failures++;
            }
            Duration retryAfter = error instanceof AgentJobsException e ? e.retryAfter().orElse(null) : null;
            delay = retryAfter != null ? engine.policy.retryAfterMillis(retryAfter)
                    : PollPolicy.pollGapMillis(engine.policy.jittered(engine.policy.errorBackoffMillis(failures),
                            engine.random()));
        } else {
            finish(error);
            return;
        }
        engine.pollDeferred(jobId, delay, error);
        if (!pollLimitHit()) {
            schedule(delay);
        }
    }

    private synchronized boolean sentAfterFollowUp(int number) {
        return number > followUpAfterPoll;
    }

    /** Claims the end for a terminal status read by poll {@code number}; false if stopped or a follow-up came. */
    private synchronized boolean claimEnd(int number) {
        if (stopped || number <= followUpAfterPoll) {
            return false;
        }
        stopped = true;
        return true;
    }

    private boolean pollLimitHit() {
        long max = engine.policy.maxPolls();
        if (max > 0 && polls >= max) {
            finish(new WatchLimitExceededException(WatchLimitExceededException.Limit.MAX_POLLS, jobId,
                    "job '" + jobId + "': no terminal status within the cap of " + max + " polls"));
            return true;
        }
        return false;
    }

    private boolean deadlinePassed() {
        Duration deadline = engine.policy.deadline();
        return deadline != null && engine.nowMillis() >= deadlineAtMillis(deadline);
    }

    private long deadlineAtMillis(Duration deadline) {
        // Saturating: a policy's bounds keep this sum far from overflow, but a loop must never crash on it.
        return PollPolicy.plusSaturated(startedAtMillis, deadline.toMillis());
    }

    private void schedule(long delayMillis) {
        Duration deadline = engine.policy.deadline();
        if (deadline != null) {
            // Wake up at the deadline rather than sleep past it.
            long now = engine.nowMillis();
            long at = deadlineAtMillis(deadline);
            delayMillis = Math.min(delayMillis, now >= at ? 0 : at - now);
        }
        Disposable timer;
        try {
            timer = engine.scheduler.schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // The scheduler (the client's event loop) is shut down: no poll can ever run again.
            finish(new IllegalStateException("job '" + jobId + "': cannot schedule the next poll: "
                    + rejected.getMessage(), rejected));
            return;
        }
        pending = timer;
        if (isStopped()) {
            timer.dispose();
        }
    }

    private void emit(JobEvent event) {
        emitEvent(event);
    }

    /** Ends the loop, unless it already stopped: completes every subscriber, or fails them with {@code error}. */
    private void finish(Throwable error) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        learnStopped();
        end(error);
    }

    /** The end of a loop whose stop this thread claimed. */
    private void end(Throwable error) {
        engine.remove(this);
        terminateEvents(error);
    }

    /** Ends the loop from outside (the watcher or the client is being closed). */
    void abort(Throwable error) {
        finish(error);
        // Read only once the loop is stopped: a timer that fired before has published its request by the time
        // it checks for the stop (and cancels it itself), or this reads that request; one firing later starts
        // nothing. Read before the stop, a timer firing in between would start a GET nobody cancels.
        Disposable p = pending;
        if (p != null) {
            p.dispose();
        }
    }

    private void removeSubscriber() {
        synchronized (this) {
            if (--subscribers > 0 || stopped) {
                return;
            }
            stopped = true;
        }
        // The last subscriber left: stop polling at once, timer or request in flight alike.
        learnStopped();
        engine.remove(this);
        Disposable p = pending;
        if (p != null) {
            p.dispose();
        }
    }

    private synchronized boolean isStopped() {
        return stopped;
    }
}
