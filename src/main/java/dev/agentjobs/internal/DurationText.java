package dev.agentjobs.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses short durations: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 3m}, {@code 1h}, {@code 1d}. Shared
 * by the simulator's specs ({@code 1s..5s}, {@code 100/1h}) and the command line's flags; internal, not
 * exported.
 */
public final class DurationText {

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
        double amount;
        try {
            amount = Double.parseDouble(t.substring(0, unitAt));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " '" + text + "' has a malformed number");
        }
        long unitMillis = switch (t.substring(unitAt)) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            case "d" -> 86_400_000L;
            default -> throw new IllegalArgumentException(what + " '" + text
                    + "' has an unknown unit; use ms, s, m, h or d");
        };
        return Duration.ofMillis(Math.round(amount * unitMillis));
    }
}
