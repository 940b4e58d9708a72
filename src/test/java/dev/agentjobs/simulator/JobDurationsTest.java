package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JobDurationsTest {

    @Test
    void parse_fixed() {
        assertThat(JobDurations.parse("2s").drawMillis(new Random(1))).isEqualTo(2000);
        assertThat(JobDurations.parse("250ms").drawMillis(new Random(1))).isEqualTo(250);
        assertThat(JobDurations.parse("1.5m").drawMillis(new Random(1))).isEqualTo(90_000);
    }

    @Test
    void parse_uniform_staysWithinBounds() {
        JobDurations d = JobDurations.parse("1s..5s");
        Random r = new Random(1);
        long[] draws = new long[1000];
        Arrays.setAll(draws, i -> d.drawMillis(r));
        assertThat(Arrays.stream(draws).min().getAsLong()).isGreaterThanOrEqualTo(1000);
        assertThat(Arrays.stream(draws).max().getAsLong()).isLessThanOrEqualTo(5000).isGreaterThan(4500);
    }

    @Test
    void parse_logNormal_hasTheGivenMedian() {
        JobDurations d = JobDurations.parse("lognormal:3m,0.6");
        Random r = new Random(1);
        long[] draws = new long[4001];
        Arrays.setAll(draws, i -> d.drawMillis(r));
        Arrays.sort(draws);
        assertThat(draws[2000]).isBetween(170_000L, 190_000L);
    }

    @Test
    void sameSeed_sameDraws() {
        JobDurations d = JobDurations.uniform(Duration.ZERO, Duration.ofHours(1));
        Random a = new Random(9);
        Random b = new Random(9);
        for (int i = 0; i < 10; i++) {
            assertThat(d.drawMillis(a)).isEqualTo(d.drawMillis(b));
        }
    }

    @Test
    void parse_rejectsBadText_withClearMessages() {
        assertThatThrownBy(() -> JobDurations.parse("")).hasMessageContaining("lognormal:3m,0.6");
        assertThatThrownBy(() -> JobDurations.parse("2x")).hasMessageContaining("'2x'").hasMessageContaining("unit");
        assertThatThrownBy(() -> JobDurations.parse("5s..1s")).hasMessageContaining("below");
        assertThatThrownBy(() -> JobDurations.parse("lognormal:3m")).hasMessageContaining("MEDIAN,SIGMA");
        assertThatThrownBy(() -> JobDurations.parse("lognormal:3m,abc")).hasMessageContaining("abc");
        assertThatThrownBy(() -> JobDurations.parse("lognormal:0s,1")).hasMessageContaining("positive");
        assertThatThrownBy(() -> JobDurations.fixed(Duration.ofSeconds(-1))).hasMessageContaining("PT-1S");
    }
}
