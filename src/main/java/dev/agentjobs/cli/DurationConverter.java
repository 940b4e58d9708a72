package dev.agentjobs.cli;

import dev.agentjobs.internal.DurationText;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Parses the durations the flags take: {@code 250ms}, {@code 30s}, {@code 1.5s}, {@code 5m}, {@code 1h},
 * {@code 1d}, or ISO-8601 such as {@code PT30S}. Both spellings meet the same bounds
 * ({@link DurationText#checked}): at least 1 ms, at most ten years, rounded to whole milliseconds. Zero is
 * refused too: every duration flag is a delay or a limit that must be positive. A value out of bounds is a
 * usage error at parse time, before any session is opened or request sent.
 */
class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        String t = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw notADuration(value);
        }
        Duration d;
        try {
            d = t.startsWith("p") ? DurationText.checked(iso(value), value, "duration")
                    : DurationText.parse(value, "duration");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
        if (d.isZero()) {
            throw new CommandLine.TypeConversionException("'" + value + "' must be a positive duration");
        }
        return d;
    }

    private static Duration iso(String value) {
        try {
            return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw notADuration(value);
        }
    }

    private static CommandLine.TypeConversionException notADuration(String value) {
        return new CommandLine.TypeConversionException("'" + value
                + "' is not a duration like 250ms, 30s, 5m or 1h");
    }

    /** Like its parent, but also takes {@code none} (or {@code off}) for "no limit", converted to {@code null}. */
    static final class OrNone extends DurationConverter {
        @Override
        public Duration convert(String value) {
            String t = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
            return t.equals("none") || t.equals("off") ? null : parse(value);
        }
    }
}
