package dev.agentjobs.fanout;

import dev.agentjobs.internal.DurationText;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A sliding-window budget of creates per project: at most {@code creates} creates in any {@code window}.
 * The API documents 100 creates per project per hour; {@link #DEFAULT} is that. A sliding window rebuilt
 * from the ledger's create log is what the server's limit implies: a fixed window would allow twice the
 * budget across a window boundary.
 *
 * <pre>{@code
 * CreateRate.parse("100/1h");   // the default
 * CreateRate.unlimited();       // tests against a simulator without a limit
 * }</pre>
 *
 * @param creates creates allowed in any window; 0 means unlimited
 * @param window  the window's length, positive (ignored when unlimited)
 */
public record CreateRate(int creates, Duration window) {

    /** 100 creates per sliding hour, the API's documented limit. */
    public static final CreateRate DEFAULT = new CreateRate(100, Duration.ofHours(1));

    public CreateRate {
        Objects.requireNonNull(window, "window");
        if (creates < 0) {
            throw new IllegalArgumentException("creates must be >= 0 (0: unlimited), was " + creates);
        }
        if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(366)) > 0) {
            throw new IllegalArgumentException("window must be between 1 ms and 366 days, was " + window);
        }
    }

    /** No client-side budget. */
    public static CreateRate unlimited() {
        return new CreateRate(0, Duration.ofHours(1));
    }

    /**
     * Parses {@code COUNT/WINDOW} ({@code 100/1h}, {@code 5/30s}) or {@code none} (no budget).
     *
     * @throws IllegalArgumentException naming the bad text
     */
    public static CreateRate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("create rate is empty; use COUNT/WINDOW like 100/1h, or none");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("none")) {
            return unlimited();
        }
        int slash = t.indexOf('/');
        int count;
        try {
            count = slash < 0 ? -1 : Integer.parseInt(t.substring(0, slash).strip());
        } catch (NumberFormatException e) {
            count = -1;
        }
        if (count < 1) {
            throw new IllegalArgumentException("create rate '" + text + "' must look like COUNT/WINDOW with a count"
                    + " of at least 1 (100/1h), or none");
        }
        return new CreateRate(count, DurationText.parse(t.substring(slash + 1), "create-rate window"));
    }

    /** Whether there is no budget. */
    public boolean isUnlimited() {
        return creates == 0;
    }
}
