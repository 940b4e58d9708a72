package dev.agentjobs.simulator;

import dev.agentjobs.internal.DurationText;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A per-project limit of {@code count} calls in any sliding {@code window}, or none. Past it the simulator
 * answers 429 with a {@code Retry-After} equal to the time until the oldest call in the window expires.
 *
 * <pre>{@code
 * RateLimit.perWindow(100, Duration.ofHours(1));   // the documented default
 * RateLimit.parse("20/1m");
 * RateLimit.none();
 * }</pre>
 *
 * @param count  calls allowed per window; 0 together with a zero window means unlimited
 * @param window the sliding window
 */
public record RateLimit(int count, Duration window) {

    private static final RateLimit NONE = new RateLimit(0, Duration.ZERO);

    /** 100 calls per hour, what the API documents for create and for follow-up messages. */
    public static final RateLimit DOCUMENTED = new RateLimit(100, Duration.ofHours(1));

    public RateLimit {
        Objects.requireNonNull(window, "window");
        boolean unlimited = count == 0 && window.isZero();
        if (!unlimited && (count < 1 || window.isNegative() || window.isZero())) {
            throw new IllegalArgumentException("rate limit needs count >= 1 and a positive window, was "
                    + count + "/" + window);
        }
    }

    /** No limit. */
    public static RateLimit none() {
        return NONE;
    }

    /** {@code count} calls per sliding {@code window}. */
    public static RateLimit perWindow(int count, Duration window) {
        return new RateLimit(count, window);
    }

    /** Whether this is {@link #none()}. */
    public boolean isUnlimited() {
        return count == 0;
    }

    /**
     * Parses {@code COUNT/WINDOW} ({@code 100/1h}, {@code 5/30s}) or {@code none}.
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static RateLimit parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("rate limit is empty; use COUNT/WINDOW like 100/1h, or none");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none") || t.equals("off")) {
            return NONE;
        }
        int slash = t.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("rate limit '" + text + "' must look like COUNT/WINDOW (100/1h) or none");
        }
        int count;
        try {
            count = Integer.parseInt(t.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rate limit '" + text + "' has a malformed count");
        }
        if (count < 1) {
            throw new IllegalArgumentException("rate limit '" + text + "' needs a count of at least 1");
        }
        return new RateLimit(count, DurationText.parse(t.substring(slash + 1), "rate-limit window"));
    }

    @Override
    public String toString() {
        return isUnlimited() ? "none" : count + "/" + window;
    }
}
