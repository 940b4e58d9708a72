package dev.agentjobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.agentjobs.api.CallRetryPolicy;
import dev.agentjobs.poll.PollPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void exponential_growsFromTheFirstDelayByTheMultiplier_andStopsAtTheCap() {
        assertThat(Backoff.exponential(250, 2, 1, 10_000)).isEqualTo(250);
        assertThat(Backoff.exponential(250, 2, 2, 10_000)).isEqualTo(500);
        assertThat(Backoff.exponential(250, 2, 4, 10_000)).isEqualTo(2_000);
        assertThat(Backoff.exponential(250, 2, 7, 10_000)).isEqualTo(10_000);
        assertThat(Backoff.exponential(5_000, 1.25, 3, 30_000)).isEqualTo(7_812);
    }

    @Test
    void exponential_saturatesAtTheCapForAnyStep_andAZeroFirstDelayStaysZero() {
        assertThat(Backoff.exponential(1, 2, Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(Backoff.exponential(1_000, 2, 10_000, 60_000)).isEqualTo(60_000);
        assertThat(Backoff.exponential(0, 2, 10_000, 60_000)).isZero();
        assertThatIllegalArgumentException().isThrownBy(() -> Backoff.exponential(1, 2, 0, 10));
    }

    @Test
    void jittered_drawsWithinTheBandAroundTheValue() {
        assertThat(Backoff.jittered(10_000, 0.25, 0.0)).isEqualTo(7_500);
        assertThat(Backoff.jittered(10_000, 0.25, 0.5)).isEqualTo(10_000);
        assertThat(Backoff.jittered(10_000, 0.25, 0.999_999)).isEqualTo(12_500);
        assertThat(Backoff.jittered(10_000, 0, 0.9)).isEqualTo(10_000);
    }

    @Test
    void retryAfter_isCutToTheMaximum_neverAReasonToFail_andNeverNegative() {
        Duration max = Duration.ofSeconds(60);
        assertThat(Backoff.clampRetryAfter(Duration.ofSeconds(5), max)).isEqualTo(Duration.ofSeconds(5));
        assertThat(Backoff.clampRetryAfter(Duration.ofDays(365_000), max)).isEqualTo(max);
        assertThat(Backoff.clampRetryAfter(Duration.ofSeconds(-3), max)).isZero();
    }

    @Test
    void bothPolicies_acceptAndRefuseTheSameJitter_withTheSameWords() {
        assertThat(CallRetryPolicy.defaults().jitter(0.99).jitter()).isEqualTo(PollPolicy.defaults().jitter(0.99).jitter());
        assertThatIllegalArgumentException().isThrownBy(() -> CallRetryPolicy.defaults().jitter(1.0))
                .withMessage("jitter must be within [0, 1), was 1.0");
        assertThatIllegalArgumentException().isThrownBy(() -> PollPolicy.defaults().jitter(1.0))
                .withMessage("jitter must be within [0, 1), was 1.0");
    }
}
