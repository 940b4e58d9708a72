package dev.agentjobs.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written time form is the formatter's, to the character, and reads back to the same millisecond. */
class LedgerTimeTest {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void text_matchesTheFormatter_andReadsBack() {
        SplittableRandom random = new SplittableRandom(7);
        long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochMilli(random.nextLong(0, max)).plusNanos(random.nextInt(1_000_000));
            String text = LedgerTime.text(t);
            assertThat(text).isEqualTo(REFERENCE.format(t));
            assertThat(LedgerTime.instant(text)).isEqualTo(LedgerRules.truncate(t));
        }
    }

    @Test
    void edges_andOtherForms() {
        assertThat(LedgerTime.text(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(LedgerTime.text(Instant.parse("2024-02-29T23:59:59.999Z"))).isEqualTo("2024-02-29T23:59:59.999Z");
        assertThat(LedgerTime.text(Instant.parse("-0001-01-01T00:00:00Z"))).isEqualTo(REFERENCE.format(
                Instant.parse("-0001-01-01T00:00:00Z")));
        assertThat(LedgerTime.instant("2026-01-31T09:05:00Z")).isEqualTo(Instant.parse("2026-01-31T09:05:00Z"));
        assertThat(LedgerTime.text(null)).isNull();
        assertThat(LedgerTime.instant(null)).isNull();
    }
}
