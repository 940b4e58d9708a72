package dev.agentjobs.fanout;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The ledger's text form of a time, {@code 2026-01-31T09:05:00.250Z}: fixed width, so that text order is time
 * order in SQL ({@code at > ?}), and read as is by a person. Written and read by hand for years 0000-9999, since
 * a prompt costs several of each and {@link DateTimeFormatter} (and {@link Instant#parse}) cost a few
 * microseconds a call plus a large JIT compile; other years (none a ledger will see) go through the formatter.
 */
final class LedgerTime {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final int LENGTH = 24;

    private LedgerTime() {
    }

    /** {@code time} to the millisecond (truncated), in the fixed-width form; {@code null} stays {@code null}. */
    static String text(Instant time) {
        if (time == null) {
            return null;
        }
        LocalDateTime t = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
        if (t.getYear() < 0 || t.getYear() > 9999) {
            return FORMAT.format(time);
        }
        char[] c = new char[LENGTH];
        digits(c, 0, t.getYear(), 4);
        c[4] = '-';
        digits(c, 5, t.getMonthValue(), 2);
        c[7] = '-';
        digits(c, 8, t.getDayOfMonth(), 2);
        c[10] = 'T';
        digits(c, 11, t.getHour(), 2);
        c[13] = ':';
        digits(c, 14, t.getMinute(), 2);
        c[16] = ':';
        digits(c, 17, t.getSecond(), 2);
        c[19] = '.';
        digits(c, 20, t.getNano() / 1_000_000, 3);
        c[23] = 'Z';
        return new String(c);
    }

    /** The time a {@link #text} form (or any ISO-8601 instant) stands for; {@code null} stays {@code null}. */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        if (text.length() != LENGTH || text.charAt(4) != '-' || text.charAt(10) != 'T' || text.charAt(19) != '.'
                || text.charAt(23) != 'Z') {
            return Instant.parse(text);
        }
        long day = LocalDate.of(number(text, 0, 4), number(text, 5, 2), number(text, 8, 2)).toEpochDay();
        long second = day * 86_400 + number(text, 11, 2) * 3_600L + number(text, 14, 2) * 60L + number(text, 17, 2);
        return Instant.ofEpochSecond(second, number(text, 20, 3) * 1_000_000L);
    }

    private static void digits(char[] into, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    private static int number(String text, int at, int width) {
        int value = 0;
        for (int i = at; i < at + width; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new IllegalArgumentException("not a ledger time: '" + text + "'");
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }
}
