package dev.agentjobs.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void parse_countAndWindow_orNone() {
        assertThat(RateLimit.parse("100/1h")).isEqualTo(RateLimit.perWindow(100, Duration.ofHours(1)));
        assertThat(RateLimit.parse(" 5/30s ")).isEqualTo(RateLimit.perWindow(5, Duration.ofSeconds(30)));
        assertThat(RateLimit.parse("none").isUnlimited()).isTrue();
        assertThat(RateLimit.DOCUMENTED.toString()).isEqualTo("100/PT1H");
    }

    @Test
    void parse_rejectsBadText_namingIt() {
        assertThatThrownBy(() -> RateLimit.parse("100")).hasMessageContaining("'100'");
        assertThatThrownBy(() -> RateLimit.parse("x/1h")).hasMessageContaining("'x/1h'");
        assertThatThrownBy(() -> RateLimit.parse("0/1h")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> RateLimit.parse("5/1y")).hasMessageContaining("'1y'");
        assertThatThrownBy(() -> RateLimit.perWindow(5, Duration.ZERO)).hasMessageContaining("5/PT0S");
    }

    @Test
    void slidingWindow_freesTheOldestSlotFirst() {
        SlidingWindow w = new SlidingWindow(RateLimit.perWindow(3, Duration.ofSeconds(10)));
        assertThat(w.tryAcquire(0)).isZero();
        assertThat(w.tryAcquire(4_000)).isZero();
        assertThat(w.tryAcquire(6_000)).isZero();
        assertThat(w.tryAcquire(7_000)).isEqualTo(3_000);
        assertThat(w.tryAcquire(10_000)).isZero();
        assertThat(w.tryAcquire(10_500)).isEqualTo(3_500);
    }

    @Test
    void slidingWindow_growsForLargeLimits() {
        SlidingWindow w = new SlidingWindow(RateLimit.perWindow(1000, Duration.ofSeconds(1)));
        for (int i = 0; i < 1000; i++) {
            assertThat(w.tryAcquire(i / 2)).isZero();
        }
        assertThat(w.tryAcquire(600)).isEqualTo(400);
    }
}
