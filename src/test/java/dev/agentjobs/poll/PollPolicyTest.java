package dev.agentjobs.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PollPolicyTest {

    @Test
    void setters_returnACopyAndLeaveTheOriginalAlone() {
        PollPolicy base = PollPolicy.defaults();
        PollPolicy changed = base.interval(Duration.ofSeconds(9)).jitter(0.3);
        assertThat(base.interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(base.jitter()).isEqualTo(0.1);
        assertThat(changed.interval()).isEqualTo(Duration.ofSeconds(9));
        assertThat(changed.jitter()).isEqualTo(0.3);
    }

    @Test
    void defaults_followTheDocsAdvice() {
        PollPolicy p = PollPolicy.defaults();
        assertThat(p.firstPollDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.nominalIntervalMillis(1)).isEqualTo(5_000);
        assertThat(p.nominalIntervalMillis(100)).isEqualTo(30_000);
        assertThat(p.deadline()).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void fixed_neverGrowsNorJitters() {
        PollPolicy p = PollPolicy.fixed(Duration.ofSeconds(5));
        assertThat(p.nominalIntervalMillis(1)).isEqualTo(5_000);
        assertThat(p.nominalIntervalMillis(50)).isEqualTo(5_000);
        assertThat(p.jittered(5_000, 0.99)).isEqualTo(5_000);
        assertThat(p.firstPollDelay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jittered_staysWithinTheFraction() {
        PollPolicy p = PollPolicy.defaults().jitter(0.25);
        assertThat(p.jittered(10_000, 0.0)).isEqualTo(7_500);
        assertThat(p.jittered(10_000, 0.5)).isEqualTo(10_000);
        assertThat(p.jittered(10_000, 0.999_999)).isEqualTo(12_500);
    }

    @Test
    void errorBackoff_doublesPerFailureUpToItsCap() {
        PollPolicy p = PollPolicy.fixed(Duration.ofSeconds(3)).maxErrorBackoff(Duration.ofSeconds(20));
        assertThat(p.errorBackoffMillis(1)).isEqualTo(3_000);
        assertThat(p.errorBackoffMillis(2)).isEqualTo(6_000);
        assertThat(p.errorBackoffMillis(3)).isEqualTo(12_000);
        assertThat(p.errorBackoffMillis(4)).isEqualTo(20_000);
        assertThat(p.errorBackoffMillis(1_000)).isEqualTo(20_000);
    }

    @Test
    void exponential_raisesTheCapWhenTheFirstIntervalIsAboveIt() {
        PollPolicy p = PollPolicy.exponential(Duration.ofMinutes(1), 2);
        assertThat(p.maxInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void badValues_areRejectedNamingTheValue() {
        PollPolicy p = PollPolicy.defaults();
        assertThatIllegalArgumentException().isThrownBy(() -> p.jitter(1.0)).withMessageContaining("1.0");
        assertThatIllegalArgumentException().isThrownBy(() -> p.multiplier(0.5)).withMessageContaining("0.5");
        assertThatIllegalArgumentException().isThrownBy(() -> p.interval(Duration.ZERO))
                .withMessageContaining("interval").withMessageContaining("PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> p.spread(Duration.ofSeconds(-1)))
                .withMessageContaining("spread");
        assertThatIllegalArgumentException().isThrownBy(() -> p.maxPolls(-2)).withMessageContaining("-2");
        assertThat(p.deadline(null).deadline()).isNull();
    }
}
