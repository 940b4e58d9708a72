package dev.agentjobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void convert_readsEveryUnitAndIso() {
        assertThat(converter.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert(" 1H ")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(converter.convert("PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void convert_refusesNonsenseZeroAndHugeValues_namingTheText() {
        for (String bad : new String[] {"", "s", "10", "10x", "1..2s", "0s", "P", "none", "99999d"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad)
                    .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void orNone_takesNoneAsNoLimit() throws Exception {
        DurationConverter.OrNone orNone = new DurationConverter.OrNone();
        assertThat(orNone.convert("none")).isNull();
        assertThat(orNone.convert("OFF")).isNull();
        assertThat(orNone.convert("2h")).isEqualTo(Duration.ofHours(2));
    }
}
