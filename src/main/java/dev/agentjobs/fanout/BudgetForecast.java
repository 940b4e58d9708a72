package dev.agentjobs.fanout;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * When the creates still to send may leave under a sliding-window budget: the estimate behind
 * {@link FanOutRun.Progress#createTimeLeft()}, so 1,000 prompts at 100 per hour honestly say about ten hours.
 */
final class BudgetForecast {

    private BudgetForecast() {
    }

    /**
     * @param inWindow  the create-log times within the window ending {@code now}, oldest first
     * @param remaining creates still to send
     * @return how long from {@code now} until the last of them may leave; zero when none has to wait
     */
    static Duration timeLeft(List<Instant> inWindow, CreateRate rate, long remaining, Instant now) {
        if (rate.isUnlimited() || remaining <= 0) {
            return Duration.ZERO;
        }
        int limit = rate.creates();
        long window = rate.window().toMillis();
        // The i-th create of the combined sequence (log, then the creates to come) may leave one window after
        // the (i - limit)-th. Only the last limit times matter at any step: a ring buffer keeps them.
        long[] ring = new long[limit];
        int known = Math.min(inWindow.size(), limit);
        List<Instant> recent = inWindow.subList(inWindow.size() - known, inWindow.size());
        long nowMillis = now.toEpochMilli();
        long count = 0;
        for (Instant t : recent) {
            ring[(int) (count++ % limit)] = t.toEpochMilli();
        }
        long last = nowMillis;
        for (long i = 0; i < remaining; i++, count++) {
            long at = count < limit ? nowMillis : Math.max(nowMillis, ring[(int) (count % limit)] + window);
            ring[(int) (count % limit)] = at;
            last = at;
        }
        return Duration.ofMillis(last - nowMillis);
    }
}
