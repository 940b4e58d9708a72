package dev.agentjobs.poll;

import java.util.ArrayDeque;

/**
 * Notices that job durations changed (a slower model, a faster one) so a {@link DurationModel} can forget what
 * no longer holds. Owned by a learning model; every method runs under the model's lock.
 *
 * <p>The test. Each job watched from its birth gets a {@link Ticket} holding the fit the model planned with
 * when the job started. Once the job is over (ended between two polls at ages {@code (lo, hi]}, or its watch
 * stopped at {@code lo}), or once a poll saw it still running at the fit's 80th percentile (an age past which
 * the job is not waited for: it then counts as running at that age), its probability-integral transform under
 * that fit is known up to an interval {@code (F(lo), F(hi)]}, and the middle of that interval is the score.
 * If durations still follow the fit, a score averages exactly 1/2 whatever the polls and the censoring were
 * (given what was seen, the true transform is uniform on the interval), with a variance of at most 1/12.
 * Slower jobs push scores up, faster ones down; a two-sided CUSUM (Page's test, reference value
 * {@value #K} and threshold {@value #H} standard deviations) adds them up and raises the alarm.
 *
 * <p>Why the scores go into the CUSUM in the order the jobs <em>started</em>, each only once every job started
 * before it is over: jobs end in the order of their durations, so right after a burst of submissions the first
 * jobs to end are the short ones and the last are the long ones. Scores taken as jobs end are low, then high,
 * though nothing changed; an earlier detector that took them in that order fired tens of times per stationary
 * run of 10,000 jobs. Taken in start order, the scores of a stationary stream are independent draws of the
 * same law, whatever the order the jobs end in. The cost is delay: a score waits for the jobs started before it,
 * and no job is waited for past the 80th percentile (plus one poll).
 *
 * <p>Only a fit the model is sure of is a yardstick: one resting on at least {@value #MIN_FIT_JOBS} ended
 * jobs with at most 5% of its mass past the oldest one seen. Jobs started while the fit was less sure are not
 * scored (their tickets still keep the order). Bounded: one small ticket per job being watched, released in
 * start order; past {@value #MAX_PENDING} waiting tickets the oldest is given up.
 */
final class ShiftDetector {

    /** The fewest ended jobs a fit rests on to judge jobs by. */
    static final int MIN_FIT_JOBS = 100;
    /** The fit's quantile past which a job still running counts as censored there and is not waited for. */
    static final double TRUNCATE_QUANTILE = 0.8;
    /** CUSUM reference value, in standard deviations of a score under no change (sqrt(1/12)). */
    static final double K = 0.5;
    /** CUSUM threshold, in the same units. */
    static final double H = 10;
    private static final double MAX_UNPLACED = 0.05;
    private static final double SD = Math.sqrt(1.0 / 12);
    private static final int MAX_PENDING = 1 << 16;

    /** One job's part in the test: the fit it is judged by, and its score once known. */
    static final class Ticket {
        final long seq;
        /** Null when the job is not judged (the fit was not sure enough when it started). */
        final DurationFit fit;
        final double truncateAtSeconds;
        /** Set once the job's score is known (or it was given up); read without the lock by its loop. */
        volatile boolean resolved;
        double score = Double.NaN;

        private Ticket(long seq, DurationFit fit) {
            this.seq = seq;
            this.fit = fit;
            this.truncateAtSeconds = fit == null ? Double.POSITIVE_INFINITY : fit.quantile(TRUNCATE_QUANTILE);
        }

        /** Whether a poll that saw the job running at {@code ageMillis} settles its score. */
        boolean settledByRunningAt(long ageMillis) {
            return !resolved && ageMillis / 1000.0 >= truncateAtSeconds;
        }
    }

    private final ArrayDeque<Ticket> pending = new ArrayDeque<>();
    private long nextSeq;
    /** Tickets before this are not scored (they were judged by a fit an alarm discarded). */
    private long judgeFrom;
    private double up;
    private double down;
    private long upRunFrom;
    private long downRunFrom;
    private long alarms;
    private long scored;

    /** A ticket for a job starting now, judged by {@code fit} if that is a fit to judge by. */
    Ticket start(DurationFit fit) {
        boolean sure = fit != null && fit.endedJobs() >= MIN_FIT_JOBS && fit.unplaced() <= MAX_UNPLACED;
        Ticket t = new Ticket(nextSeq++, sure ? fit : null);
        if (t.fit == null) {
            t.resolved = true;
        }
        if (pending.size() >= MAX_PENDING) {
            // A ticket nobody settles (a watch that never stops): give it up rather than hold every later one.
            pending.pollFirst().resolved = true;
        }
        pending.addLast(t);
        return t;
    }

    /**
     * Settles {@code t}: the job ended in {@code (lo, hi]} seconds of age, or ran at least {@code lo}
     * ({@code hi} infinite). Returns the sequence number from which jobs show the change if the alarm went
     * off, else -1.
     */
    long settle(Ticket t, double lo, double hi) {
        if (t.resolved) {
            return -1;
        }
        double from = t.fit.cdf(lo);
        // Mass past the oldest job the fit knew lies somewhere beyond it: an end there is anywhere up to 1.
        double placedUpTo = 1 - t.fit.unplaced() - 1e-9;
        double to = Double.isInfinite(hi) ? 1 : t.fit.cdf(hi);
        if (to >= placedUpTo) {
            to = 1;
        }
        t.score = (from + to) / 2;
        t.resolved = true;
        return release();
    }

    /** Gives {@code t} up without a score (a followed-up job, whose run no longer starts at its creation). */
    long abandon(Ticket t) {
        t.resolved = true;
        return release();
    }

    private long release() {
        long change = -1;
        while (!pending.isEmpty() && pending.peekFirst().resolved) {
            Ticket t = pending.pollFirst();
            if (t.fit == null || Double.isNaN(t.score) || t.seq < judgeFrom) {
                continue;
            }
            scored++;
            double x = (t.score - 0.5) / SD;
            if (up == 0) {
                upRunFrom = t.seq;
            }
            if (down == 0) {
                downRunFrom = t.seq;
            }
            up = Math.max(0, up + x - K);
            down = Math.max(0, down - x - K);
            if (up > H || down > H) {
                // Page's estimate of the change: where the run that crossed began.
                change = up > H ? upRunFrom : downRunFrom;
                alarms++;
                up = 0;
                down = 0;
                // Jobs started so far were judged by the fit about to be discarded.
                judgeFrom = nextSeq;
            }
        }
        return change;
    }

    /** The sequence number the next ticket gets. */
    long nextSeq() {
        return nextSeq;
    }

    long alarms() {
        return alarms;
    }

    /** Jobs whose score went into the test. */
    long scored() {
        return scored;
    }
}
