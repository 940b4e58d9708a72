package dev.agentjobs.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsEveryUnitAndFractions() {
        assertThat(DurationText.parse("250ms", "d")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("1.5s", "d")).isEqualTo(Duration.ofMillis(1500));
        assertThat(DurationText.parse(" 3M ", "d")).isEqualTo(Duration.ofMinutes(3));
        assertThat(DurationText.parse("1h", "d")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("2d", "d")).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void errorsNameTheValueAndWhatIsWrong() {
        assertThatIllegalArgumentException().isThrownBy(() -> DurationText.parse("", "job duration"))
                .withMessageContaining("job duration is empty");
        assertThatIllegalArgumentException().isThrownBy(() -> DurationText.parse("5", "window"))
                .withMessageContaining("'5'");
        assertThatIllegalArgumentException().isThrownBy(() -> DurationText.parse("5y", "window"))
                .withMessageContaining("unknown unit");
        assertThatIllegalArgumentException().isThrownBy(() -> DurationText.parse("1.2.3s", "window"))
                .withMessageContaining("malformed number");
    }
}
