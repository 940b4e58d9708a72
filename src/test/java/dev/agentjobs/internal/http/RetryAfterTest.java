package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void parsesDeltaSeconds() {
        assertThat(RetryAfter.parse("120", clock)).isEqualTo(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", clock)).isEqualTo(Duration.ZERO);
    }

    @Test
    void parsesAnHttpDateRelativeToTheClock() {
        assertThat(RetryAfter.parse("Sun, 29 Nov 2026 10:00:45 GMT", clock)).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void pastDateOrNegativeMeansNow() {
        assertThat(RetryAfter.parse("Sun, 29 Nov 2026 09:59:00 GMT", clock)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("-5", clock)).isEqualTo(Duration.ZERO);
    }

    @Test
    void ignoresGarbageAndAbsence() {
        assertThat(RetryAfter.parse(null, clock)).isNull();
        assertThat(RetryAfter.parse("", clock)).isNull();
        assertThat(RetryAfter.parse("soon", clock)).isNull();
        assertThat(RetryAfter.parse("1.5", clock)).isNull();
        assertThat(RetryAfter.parse("-", clock)).isNull();
        assertThat(RetryAfter.parse("2026-11-29T10:00:45Z", clock)).isNull();
    }

    @Test
    void capsAbsurdValuesInsteadOfOverflowing() {
        assertThat(RetryAfter.parse("99999999999999999999999", clock)).isEqualTo(Duration.ofDays(365));
    }
}
