package dev.agentjobs.internal.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parses a {@code Retry-After} header (RFC 9110 section 10.2.3): either delta-seconds or an HTTP-date.
 * A value that is neither is ignored rather than failing the call: the header is advice, and a garbled one
 * should not turn a retryable 429 into something else.
 */
final class RetryAfter {

    /** Far beyond any sane {@code maxRetryAfter}, so an absurd value ends the call instead of overflowing. */
    private static final Duration CEILING = Duration.ofDays(365);

    private RetryAfter() {
    }

    /**
     * @return the wait the header asks for, never negative (a date in the past means now), or {@code null}
     *         when the header is absent or unreadable
     */
    static Duration parse(String header, Clock clock) {
        if (header == null) {
            return null;
        }
        String v = header.strip();
        if (v.isEmpty()) {
            return null;
        }
        if (isInteger(v)) {
            return fromSeconds(v);
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wait = Duration.between(clock.instant(), at.toInstant());
            return wait.isNegative() ? Duration.ZERO : min(wait, CEILING);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static boolean isInteger(String v) {
        int start = v.charAt(0) == '-' || v.charAt(0) == '+' ? 1 : 0;
        if (start == v.length()) {
            return false;
        }
        for (int i = start; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static Duration fromSeconds(String v) {
        if (v.charAt(0) == '-') {
            return Duration.ZERO;
        }
        String digits = v.charAt(0) == '+' ? v.substring(1) : v;
        if (digits.length() > 12) {
            return CEILING;
        }
        return min(Duration.ofSeconds(Long.parseLong(digits)), CEILING);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
