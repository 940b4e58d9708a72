package dev.agentjobs.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.agentjobs.api.JobEvent;
import dev.agentjobs.api.JobNotFoundException;
import dev.agentjobs.internal.JobJson;
import dev.agentjobs.poll.JobWatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The jobs the gateway knows and everyone following them. Each job is fed by exactly one subscription to the
 * {@link JobWatcher} (so one poll loop), whatever the number of its HTTP subscribers; each event is rendered
 * once per feed and appended to the job's history and to the all-jobs feed's bounded history, then offered to
 * every subscriber's bounded queue.
 *
 * <p>One lock guards it all: an event is a handful of list operations plus one queue offer per subscriber, and
 * one lock makes "replay the history, then register for live events" atomic, which is what makes a resume lose
 * and repeat nothing. Calls into the watch engine and completions of HTTP results happen outside the lock.
 *
 * <p>Not final only so that a test can put a hub that fails in front of the routes.
 */
class JobHub {

    /** What opening a stream gave: frames to send first, then live ones; or nothing at all (HTTP 204). */
    record Opened(List<Frame> replay, Subscriber live) {
        static final Opened NO_CONTENT = new Opened(List.of(), null);
    }

    private final Object lock = new Object();
    private final JobWatcher watcher;
    private final String epoch;
    private final int subscriberQueue;
    private final int maxJobs;
    private final JobRecorder recorder;
    private final GatewayLedger ledger;
    private final Map<String, JobChannel> channels = new HashMap<>();
    private final FeedHistory feed;
    private final Followers feedFollowers = new Followers();
    private long order;
    private long version;
    private Frame snapshot;
    private long snapshotVersion = -1;
    private boolean closed;

    /** A hub; {@code ledger} may be {@code null} (in-memory only). */
    JobHub(JobWatcher watcher, String epoch, int feedHistory, int subscriberQueue, int maxJobs,
           GatewayLedger ledger) {
        this.watcher = watcher;
        this.epoch = epoch;
        this.subscriberQueue = subscriberQueue;
        this.maxJobs = maxJobs;
        this.ledger = ledger;
        this.recorder = ledger == null ? JobRecorder.NONE : ledger;
        this.feed = new FeedHistory(feedHistory);
    }

    String epoch() {
        return epoch;
    }

    /**
     * Creates a job; completes with its channel once the API answered. With a ledger the create is written ahead
     * and its outcome recorded before the caller hears of it.
     */
    Mono<JobChannel> submit(String prompt) {
        if (ledger == null) {
            return submitNow(prompt);
        }
        return ledger.beforeCreate(prompt).flatMap(key -> submitNow(prompt)
                .onErrorResume(e -> ledger.createFailed(key, e).onErrorResume(ledgerFailure -> Mono.empty())
                        .then(Mono.error(e)))
                // The job exists whatever the ledger says: tell the caller, or it would create it again.
                .flatMap(c -> ledger.created(key, c.jobId).onErrorResume(ledgerFailure -> Mono.empty())
                        .thenReturn(c)));
    }

    private Mono<JobChannel> submitNow(String prompt) {
        Attempt attempt = new Attempt(Attempt.Kind.CREATE, null);
        start(attempt, watcher.submit(prompt));
        return attempt.first.asMono();
    }

    /** Lists a job that ended before a restart, from the ledger: its history is that last state. */
    void preload(JobEvent terminal) {
        synchronized (lock) {
            if (channels.containsKey(terminal.jobId())) {
                return;
            }
            JobChannel c = newChannel(terminal.jobId());
            c.latest = terminal;
            c.history.add(Frame.of(epoch, 1, JobJson.kind(terminal.kind()), JobJson.event(terminal).toString()));
        }
    }

    /**
     * The channel of a job, known or not: an unknown id is watched (the watch's first poll is the GET that finds
     * the job), and the result completes once its state is known or the upstream is being retried; it fails
     * with {@link JobNotFoundException} when the API does not know the job.
     */
    Mono<JobChannel> channel(String jobId) {
        JobChannel c;
        Attempt toStart = null;
        synchronized (lock) {
            c = channels.get(jobId);
            if (c == null) {
                c = newChannel(jobId);
                toStart = new Attempt(Attempt.Kind.WATCH, c);
                c.attempt = toStart;
            } else {
                toStart = restartIfIdle(c);
            }
        }
        if (toStart != null) {
            start(toStart, watcher.watch(jobId));
        }
        return c.ready.asMono();
    }

    /**
     * Sends a follow-up message; completes with the channel once the API accepted it and, with a ledger, the job is
     * recorded as active again (a ledger that fails is not the caller's problem: the message was sent).
     */
    Mono<JobChannel> followUp(String jobId, String prompt) {
        JobChannel c;
        synchronized (lock) {
            c = channels.get(jobId);
        }
        Attempt attempt = new Attempt(Attempt.Kind.FOLLOW_UP, c);
        start(attempt, watcher.followUp(jobId, prompt));
        return attempt.first.asMono().flatMap(ch -> attempt.recorded.onErrorResume(e -> Mono.empty()).thenReturn(ch));
    }

    /** Resumes watching a job known from before a restart (the ledger's non-terminal jobs). */
    void resume(String jobId) {
        channel(jobId).subscribe(c -> { }, e -> { });
    }

    /**
     * Opens a job's stream after {@code last} (its whole history when {@code null} or from another process),
     * or {@link Opened#NO_CONTENT} when the client already saw the terminal event.
     */
    Opened openJob(JobChannel c, EventId last) {
        Attempt toStart;
        Opened opened;
        synchronized (lock) {
            int from = 0;
            if (last != null && last.epoch().equals(epoch) && last.seq() <= c.history.size()) {
                from = (int) last.seq();
            }
            boolean terminal = c.isTerminal();
            if (terminal && last != null && from == c.history.size()) {
                return Opened.NO_CONTENT;
            }
            List<Frame> replay = new ArrayList<>(c.history.subList(from, c.history.size()));
            if (c.retrying) {
                replay.add(Notices.retrying(c.jobId, null, null));
            }
            Subscriber live = null;
            if (!terminal && !c.gone && !closed) {
                live = new Subscriber(subscriberQueue, Notices.DROPPED);
                c.followers.add(live);
            }
            opened = new Opened(replay, live);
            toStart = restartIfIdle(c);
        }
        if (toStart != null) {
            start(toStart, watcher.watch(c.jobId));
        }
        return opened;
    }

    /**
     * Opens the all-jobs feed after {@code last}: what was missed when the bounded history still holds it,
     * else (and on a first connect) one {@code snapshot} message with the latest event of every known job.
     */
    Opened openFeed(EventId last) {
        synchronized (lock) {
            List<Frame> replay;
            if (last != null && last.epoch().equals(epoch) && feed.holdsAfter(last.seq())) {
                replay = feed.after(last.seq());
            } else {
                replay = List.of(snapshotFrame());
            }
            Subscriber live = new Subscriber(subscriberQueue, Notices.DROPPED);
            if (!closed) {
                feedFollowers.add(live);
            } else {
                live.complete();
            }
            return new Opened(replay, live);
        }
    }

    /** The known jobs' latest states, newest first, those known before {@code beforeOrder}, at most {@code limit}. */
    List<JobChannel> page(long beforeOrder, int limit) {
        synchronized (lock) {
            return channels.values().stream()
                    .filter(c -> c.latest != null && c.order < beforeOrder)
                    .sorted(Comparator.comparingLong((JobChannel c) -> c.order).reversed())
                    .limit(limit)
                    .toList();
        }
    }

    /** The latest event of a channel (read under the lock: it changes on the watch's thread). */
    JobEvent latest(JobChannel c) {
        synchronized (lock) {
            return c.latest;
        }
    }

    /** Open streams of the all-jobs feed still held by the hub. */
    int feedFollowers() {
        synchronized (lock) {
            return feedFollowers.size();
        }
    }

    /** The gateway's ledger, or {@code null} (tests look inside). */
    GatewayLedger ledger() {
        return ledger;
    }

    /** The ledger's in-doubt creates of this gateway, newest first (none without a ledger). */
    List<GatewayLedger.InDoubtCreate> inDoubt() {
        return ledger == null ? List.of() : ledger.inDoubt();
    }

    /** How many creates of this gateway are in doubt (listed or not). */
    long inDoubtCount() {
        return ledger == null ? 0 : ledger.inDoubtCount();
    }

    int knownJobs() {
        synchronized (lock) {
            return channels.size();
        }
    }

    int watchedJobs() {
        synchronized (lock) {
            return (int) channels.values().stream().filter(c -> c.attempt != null).count();
        }
    }

    /** The watch engine put a job's poll off: tell its followers once, until the upstream answers again. */
    void retrying(String jobId, Duration delay, Throwable cause) {
        JobChannel c;
        synchronized (lock) {
            c = channels.get(jobId);
            if (c == null || c.retrying || c.gone) {
                return;
            }
            c.retrying = true;
            broadcastNotice(c, Notices.retrying(jobId, delay, cause));
        }
        c.ready.tryEmitValue(c);
    }

    /** A poll of the job was answered: clear a retrying notice. */
    void answered(String jobId) {
        synchronized (lock) {
            JobChannel c = channels.get(jobId);
            if (c == null || !c.retrying) {
                return;
            }
            c.retrying = false;
            broadcastNotice(c, Notices.resumed(jobId));
        }
    }

    /** A stream ended (its client left, or it was written to the end): forget its queue. */
    void release(Subscriber s) {
        synchronized (lock) {
            s.complete();
            if (s.home != null) {
                s.home.remove(s);
            }
        }
    }

    /** Stops every watch and ends every stream. */
    void close() {
        List<Attempt> attempts = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (JobChannel c : channels.values()) {
                if (c.attempt != null) {
                    attempts.add(c.attempt);
                }
                c.followers.completeAll();
            }
            feedFollowers.completeAll();
        }
        attempts.forEach(a -> a.subscription.dispose());
    }

    private void start(Attempt attempt, Flux<JobEvent> source) {
        attempt.subscription.update(source.subscribe(e -> onEvent(attempt, e), e -> onError(attempt, e),
                () -> onComplete(attempt)));
    }

    /** The watch told the terminal event: nothing polls the job now. */
    private void onComplete(Attempt attempt) {
        synchronized (lock) {
            JobChannel c = attempt.channel;
            if (c != null && c.attempt == attempt) {
                c.attempt = null;
            }
        }
    }

    private Attempt restartIfIdle(JobChannel c) {
        // A watch that ended on an error (a deadline, a rejected key) is started again when someone asks.
        if (c.attempt == null && c.latest != null && !c.isTerminal() && !c.gone && !closed) {
            c.attempt = new Attempt(Attempt.Kind.WATCH, c);
            return c.attempt;
        }
        return null;
    }

    private JobChannel newChannel(String jobId) {
        JobChannel c = new JobChannel(jobId, ++order);
        channels.put(jobId, c);
        version++;
        if (channels.size() > maxJobs) {
            evictOldestTerminal();
        }
        return c;
    }

    private void evictOldestTerminal() {
        JobChannel oldest = null;
        for (JobChannel c : channels.values()) {
            if (c.isTerminal() && c.followers.size() == 0 && (oldest == null || c.order < oldest.order)) {
                oldest = c;
            }
        }
        if (oldest != null) {
            channels.remove(oldest.jobId);
            recorder.forgotten(oldest.jobId);
        }
    }

    private void onEvent(Attempt attempt, JobEvent e) {
        Attempt replaced = null;
        boolean first = false;
        JobChannel c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            c = attempt.channel;
            if (c == null) {
                c = channels.get(e.jobId());
                if (c == null) {
                    c = newChannel(e.jobId());
                }
                attempt.channel = c;
            }
            if (!attempt.started) {
                attempt.started = true;
                first = true;
                // Before the event is appended, so that a job's row exists when its terminal status is seen.
                if (attempt.kind == Attempt.Kind.WATCH) {
                    attempt.recorded = recorder.watched(e.jobId());
                } else if (attempt.kind == Attempt.Kind.FOLLOW_UP) {
                    attempt.recorded = recorder.followedUp(e.jobId());
                }
                if (c.attempt != attempt) {
                    replaced = c.attempt;
                    c.attempt = attempt;
                }
            } else if (c.attempt != attempt) {
                return;
            }
            append(c, e);
        }
        if (replaced != null) {
            replaced.subscription.dispose();
        }
        if (first) {
            attempt.first.tryEmitValue(c);
            c.ready.tryEmitValue(c);
        }
    }

    private void onError(Attempt attempt, Throwable error) {
        JobChannel c;
        boolean neverKnown = false;
        synchronized (lock) {
            c = attempt.channel;
            if (c != null && c.attempt == attempt) {
                c.attempt = null;
                neverKnown = c.latest == null;
                if (neverKnown || error instanceof JobNotFoundException) {
                    c.gone = true;
                    if (channels.remove(c.jobId, c)) {
                        recorder.forgotten(c.jobId);
                    }
                    version++;
                }
                Frame notice = Notices.error(c.jobId, error);
                c.followers.offer(notice, true);
                if (!neverKnown) {
                    // A lookup of an id the API does not know is the asker's business, not every dashboard's.
                    feedFollowers.offer(notice, false);
                }
            }
        }
        attempt.first.tryEmitError(error);
        if (neverKnown) {
            c.ready.tryEmitError(error);
        }
    }

    /** Under the lock: records the event in the job's history and the feed, and offers it to every follower. */
    private void append(JobChannel c, JobEvent raw) {
        JobEvent e = raw;
        JobEvent before = c.latest;
        if (before != null) {
            // A follow-up's first event, or a watch restarted after an error, may repeat the state already told.
            if (e.kind() == JobEvent.Kind.STATUS_CHANGED && e.status() == before.status()
                    && Objects.equals(e.job().prLink(), before.job().prLink())) {
                return;
            }
            if (e.previous() == null) {
                e = new JobEvent(e.kind(), e.job(), before.status(), e.at());
            }
        }
        c.latest = e;
        c.retrying = false;
        version++;
        String kind = JobJson.kind(e.kind());
        String json = JobJson.event(e).toString();
        Frame own = Frame.of(epoch, c.history.size() + 1L, kind, json);
        c.history.add(own);
        boolean terminal = e.kind() == JobEvent.Kind.TERMINAL;
        c.followers.offer(own, terminal);
        Frame feedFrame = Frame.of(epoch, feed.nextSeq(), kind, json);
        feed.add(feedFrame);
        feedFollowers.offer(feedFrame, false);
        recorder.seen(e);
    }

    private void broadcastNotice(JobChannel c, Frame notice) {
        c.followers.offer(notice, false);
        feedFollowers.offer(notice, false);
    }

    private Frame snapshotFrame() {
        if (snapshotVersion != version) {
            ObjectNode n = JsonNodeFactory.instance.objectNode().put("snapshot", true);
            var jobs = n.putArray("jobs");
            channels.values().stream().filter(c -> c.latest != null)
                    .sorted(Comparator.comparingLong((JobChannel c) -> c.order).reversed())
                    .forEach(c -> jobs.add(JobJson.event(c.latest)));
            snapshot = Frame.of(epoch, feed.last(), Frame.SNAPSHOT, n.toString());
            snapshotVersion = version;
        }
        return snapshot;
    }
}
