package dev.agentjobs.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/**
 * Parses short durations: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, {@code 1h}, {@code 1d}. Shared
 * by the simulator's specs ({@code 1s..5s}, {@code 100/1h}) and the command line's flags; internal, not
 * exported.
 *
 * <p>Every duration read here, and every ISO-8601 one passed through {@link #checked}, meets the same bounds:
 * zero, or from {@link #MIN} to {@link #MAX}, rounded to whole milliseconds. The floor exists because timers
 * run in milliseconds: {@code 0.0001s} would otherwise become 0 ms and a poll loop without a pause. The cap
 * keeps every sum of a duration and a clock reading far from {@code long} overflow.
 */
public final class DurationText {

    /** The shortest duration other than zero: timers count whole milliseconds. */
    public static final Duration MIN = Duration.ofMillis(1);
    /** The longest duration: ten years (3,650 days), beyond any deadline or delay that makes sense here. */
    public static final Duration MAX = Duration.ofDays(3650);

    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);

    private DurationText() {
    }

    /**
     * @param what names the value in the error message, for example {@code "job duration"}
     * @throws IllegalArgumentException naming the value and what is wrong with it
     */
    public static Duration parse(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(what + " is empty; expected a duration like 250ms, 2s, 3m or 1h");
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        int unitAt = 0;
        while (unitAt < t.length() && (Character.isDigit(t.charAt(unitAt)) || t.charAt(unitAt) == '.')) {
            unitAt++;
        }
        if (unitAt == 0 || unitAt == t.length()) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a duration like 250ms, 2s, 3m or 1h");
        }
        BigDecimal amount;
        try {
            // Exact, not a double: the bounds below must judge the value written, not a rounded one.
            amount = new BigDecimal(t.substring(0, unitAt));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' has a malformed number");
        }
        long unitNanos = switch (t.substring(unitAt)) {
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            case "d" -> 86_400_000_000_000L;
            default -> throw new IllegalArgumentException(what + " '" + text
                    + "' has an unknown unit; use ms, s, m, h or d");
        };
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(unitNanos));
        if (nanos.compareTo(BigDecimal.valueOf(MAX.toNanos())) > 0) {
            throw tooLong(text, what);
        }
        if (nanos.signum() > 0 && nanos.compareTo(NANOS_PER_MILLI) < 0) {
            // Checked before the nanoseconds are cut: 1e-10 s must not pass as zero.
            throw tooShort(text, what);
        }
        return checked(Duration.ofNanos(nanos.setScale(0, RoundingMode.DOWN).longValueExact()), text, what);
    }

    /**
     * {@code exact} (a duration read from {@code text}, in any spelling) within the bounds of this class,
     * rounded half up to whole milliseconds.
     *
     * @throws IllegalArgumentException naming {@code what} and {@code text}: negative, between zero and 1 ms,
     *                                  or longer than ten years
     */
    public static Duration checked(Duration exact, String text, String what) {
        if (exact.isNegative()) {
            throw new IllegalArgumentException(what + " '" + text + "' is negative");
        }
        if (!exact.isZero() && exact.compareTo(MIN) < 0) {
            throw tooShort(text, what);
        }
        if (exact.compareTo(MAX) > 0) {
            throw tooLong(text, what);
        }
        long nanos = exact.toNanos();
        return Duration.ofMillis(BigDecimal.valueOf(nanos).divide(NANOS_PER_MILLI, 0, RoundingMode.HALF_UP)
                .longValueExact());
    }

    private static IllegalArgumentException tooShort(String text, String what) {
        return new IllegalArgumentException(what + " '" + text + "' is shorter than 1 ms, the shortest duration"
                + " a timer can wait");
    }

    private static IllegalArgumentException tooLong(String text, String what) {
        return new IllegalArgumentException(what + " '" + text + "' is longer than ten years (3650d)");
    }
}
