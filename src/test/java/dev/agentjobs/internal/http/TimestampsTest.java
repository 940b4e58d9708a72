package dev.agentjobs.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.Test;

class TimestampsTest {

    @Test
    void fastPath_agreesWithTheJdkParserOnTheCommonShapes() {
        for (String s : new String[] {"2026-11-29T10:23:37Z", "2026-11-29T10:23:37.8Z", "2026-11-29T10:23:37.838Z",
                "2026-11-29T10:23:37.123456789Z", "2026-02-28T23:59:59.5+05:30", "1999-12-31T23:00:00-08:00",
                "2024-02-29T00:00:00.000001Z"}) {
            assertThat(Timestamps.fastPath(s)).as(s).isEqualTo(OffsetDateTime.parse(s).toInstant());
        }
    }

    @Test
    void otherShapesFallBackToTheJdkParser() {
        assertThat(Timestamps.fastPath("2026-11-29T10:23Z")).isNull();
        assertThat(Timestamps.parse("2026-11-29T10:23Z")).isEqualTo(Instant.parse("2026-11-29T10:23:00Z"));
        assertThat(Timestamps.parse(" 2026-11-29T10:23:37Z ")).isEqualTo(Instant.parse("2026-11-29T10:23:37Z"));
    }

    @Test
    void garbageAndImpossibleDatesAreNull() {
        for (String s : new String[] {"yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                "2026-11-29T10:23:37.1234567890Z", "2026-11-29T10:23:37+25:00", "2026-11-29 10:23:37Z", "", "  "}) {
            assertThat(Timestamps.parse(s)).as(s).isNull();
        }
        assertThat(Timestamps.parse(null)).isNull();
    }
}
